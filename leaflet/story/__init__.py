"""Stage 2, building the story: a rendered document turned into ReportLab flowables.

`builder.StoryBuilder` walks a document's blocks and calls the block builder registered
for each block type (`blocks/`); the drawing pieces they are made of live in
`flowables/`. What the flowables of one build share while they draw (the outline, the
form fields, the slots for personal values) is a `session.DrawingSession`.
"""
