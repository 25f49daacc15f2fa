package main

// queueCommands are the commands of the scaled mode (JetStream workers).
func queueCommands() []command { return nil }
