"""The Textual front end: screens coordinate, widgets display, `app.make_app` wires everything."""
