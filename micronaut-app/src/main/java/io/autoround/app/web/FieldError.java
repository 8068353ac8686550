package io.autoround.app.web;

import io.micronaut.serde.annotation.Serdeable;

/** One problem with one request field. */
@Serdeable
public record FieldError(String field, String message) {}
