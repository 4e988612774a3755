package com.pb.synth.tradecapture.domain;

/** Something that takes a place in its partition key's sequence: a trade, or a record refused with a readable number. */
public interface Sequenced {

    /** The partition key whose sequence it is in. */
    String sequenceKey();

    /** Its number in that sequence, or null when it carries none (never held, never moves the sequence). */
    Long sequenceNumber();
}
