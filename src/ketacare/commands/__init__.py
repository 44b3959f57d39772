"""Sub-commands of the `ketacare` command, one module each, each with `register(subparsers)`."""
