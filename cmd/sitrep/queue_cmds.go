package main

// queueCommands are the commands of the scaled mode (JetStream workers).
func queueCommands() []command {
	return []command{
		{"worker", "pull document jobs from a NATS JetStream queue, extract and store them", runWorker},
		{"queue", "inspect and feed the job queue: status, publish, dead, requeue", runQueue},
		{"bench", "measure extraction, ingest and query speed and write a JSON report", runBench},
	}
}
