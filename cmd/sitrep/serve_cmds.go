package main

// serveCommands are the commands of the HTTP server and the web UI.
func serveCommands() []command { return nil }
