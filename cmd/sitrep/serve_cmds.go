package main

// serveCommands are the commands of the HTTP server and the web UI.
func serveCommands() []command {
	return []command{
		{"serve", "serve the JSON API and the web UI over a store", runServe},
		{"demo", "build ./sitrep-demo.db from the embedded sample corpus and serve the UI on it", runDemo},
	}
}
