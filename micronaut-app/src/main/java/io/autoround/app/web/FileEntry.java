package io.autoround.app.web;

import io.micronaut.serde.annotation.Serdeable;

/** One output file of a job: path relative to the job's folder, size, and where to download it. */
@Serdeable
public record FileEntry(String path, long size, String url) {}
