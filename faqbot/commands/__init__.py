"""One module per `faqbot` subcommand: `add_arguments(parser)` and `run(args) -> int` (see `faqbot.cli`)."""
