package dev.pave.cli;

/** Output formats, as kubectl names them. */
enum OutputFormat {
  yaml,
  json
}
