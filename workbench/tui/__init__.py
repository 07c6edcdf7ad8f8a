"""The workshop app: a Textual front-end over `workbench.core`. It holds no MQL rule."""
