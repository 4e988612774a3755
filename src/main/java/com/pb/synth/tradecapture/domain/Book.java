package com.pb.synth.tradecapture.domain;

/** A trading book. */
public record Book(String bookId, String desk, String legalEntity, boolean active) {
}
