package dev.pave.spec;

/** One object read from a file, with where its fields came from. */
public record Document<T>(T value, SourceMap positions) {}
