package dev.pave.release;

import java.time.Instant;

/**
 * One release of an application in an environment, immutable once recorded: what was rendered
 * (compressed), from which spec, by whom, when, and from which commit.
 *
 * @param number 1, 2, 3... per application and environment
 * @param hash SHA-256 of the rendered objects in canonical JSON; equal output, equal hash
 * @param objects the rendered objects, gzip-compressed JSON, base64
 * @param spec the spec that produced them, as YAML
 * @param changedBy the user from the request, the CLI's pave.dev/changed-by, or auto-rollback
 */
public record Revision(int number, String hash, String objects, String spec, String changedBy,
    Instant createdAt, String sourceCommit) {}
