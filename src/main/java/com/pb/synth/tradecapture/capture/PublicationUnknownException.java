package com.pb.synth.tradecapture.capture;

import com.pb.synth.tradecapture.domain.StoredVersion;
import java.util.List;

/**
 * Records read again above their partition's published mark, whose stored versions' events may or
 * may not have gone out: the transaction is rolled back, the captured topic is checked
 * ({@link PublicationCheck}) and the batch decided again with the answer.
 */
public class PublicationUnknownException extends RuntimeException {

    private final transient List<StoredVersion> versions;

    public PublicationUnknownException(List<StoredVersion> versions) {
        super(versions.size() + " stored version(s) whose events may not have been published", null, false, false);
        this.versions = List.copyOf(versions);
    }

    public List<StoredVersion> versions() {
        return versions;
    }
}
