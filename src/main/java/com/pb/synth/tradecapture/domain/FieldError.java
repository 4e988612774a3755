package com.pb.synth.tradecapture.domain;

/** One field of an input and what is wrong with it, with the reason code a reject of it carries. */
public record FieldError(String field, String message, ReasonCode reason) {
}
