package io.autoround.app.web;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** Body of every error answer: a sentence, plus the bad fields for a 400. */
@Serdeable
public record ErrorBody(int status, String error, List<FieldError> errors) {}
