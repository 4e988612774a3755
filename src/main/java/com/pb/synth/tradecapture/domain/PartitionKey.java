package com.pb.synth.tradecapture.domain;

import java.util.regex.Pattern;

/**
 * The ordering unit of the service: {@code accountId_bookId_securityId}. Ids never contain
 * {@code _}, so the key splits back into its parts unambiguously. The joined value is built once:
 * the hot path uses it as a map key many times per trade.
 */
public final class PartitionKey {

    /** The longest id. */
    public static final int MAX_ID_LENGTH = 64;
    /** Allowed shape of every id that takes part in a key (and of every other id the service names: rules, reference data). */
    public static final String ID_SHAPE = "[A-Za-z0-9.-]{1," + MAX_ID_LENGTH + "}";
    public static final Pattern ID = Pattern.compile(ID_SHAPE);

    private final String accountId;
    private final String bookId;
    private final String securityId;
    private final String value;

    public PartitionKey(String accountId, String bookId, String securityId) {
        requireId("accountId", accountId);
        requireId("bookId", bookId);
        requireId("securityId", securityId);
        this.accountId = accountId;
        this.bookId = bookId;
        this.securityId = securityId;
        this.value = accountId + "_" + bookId + "_" + securityId;
    }

    /** Whether the id has the shape of {@link #ID}: checked char by char (three ids a trade, on the hot path). */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static void requireId(String field, String value) {
        if (!isValidId(value)) {
            throw new IllegalArgumentException(field + " must match " + ID.pattern());
        }
    }

    public String accountId() {
        return accountId;
    }

    public String bookId() {
        return bookId;
    }

    public String securityId() {
        return securityId;
    }

    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionKey other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
