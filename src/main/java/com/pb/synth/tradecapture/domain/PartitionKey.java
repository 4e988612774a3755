package com.pb.synth.tradecapture.domain;

import java.util.regex.Pattern;

/**
 * The ordering unit of the service: {@code accountId_bookId_securityId}. Ids never contain
 * {@code _}, so the key splits back into its parts unambiguously.
 */
public record PartitionKey(String accountId, String bookId, String securityId) {

    /** Allowed shape of every id that takes part in a key. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");

    public PartitionKey {
        requireId("accountId", accountId);
        requireId("bookId", bookId);
        requireId("securityId", securityId);
    }

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    private static void requireId(String field, String value) {
        if (!isValidId(value)) {
            throw new IllegalArgumentException(field + " must match " + ID.pattern());
        }
    }

    public String value() {
        return accountId + "_" + bookId + "_" + securityId;
    }

    @Override
    public String toString() {
        return value();
    }
}
