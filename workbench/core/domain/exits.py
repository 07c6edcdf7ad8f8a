"""Exit codes every command shares (the README's table): 0 ok, 1 a check failed or was
refused, 2 bad input or usage, 130 interrupted (the shell's code for Ctrl-C)."""

INTERRUPTED = "interrupted"
INTERRUPT_EXIT = 130
