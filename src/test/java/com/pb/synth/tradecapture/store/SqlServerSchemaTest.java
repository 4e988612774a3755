package com.pb.synth.tradecapture.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The database names the schema tool writes into its statements, and the URLs it derives. */
class SqlServerSchemaTest {

    private final SqlServerSchema server = new SqlServerSchema("jdbc:sqlserver://db:1433;encrypt=false;", "u", "p");

    @Test
    void aDatabaseUrlIsTheServerUrlWithItsName() {
        assertEquals("jdbc:sqlserver://db:1433;encrypt=false;databaseName=perf_1", server.url("perf_1"));
    }

    @Test
    void onlyPlainNamesReachAStatement() {
        for (String bad : new String[] {"x; DROP DATABASE master", "a-b", "[x]", "", "1abc", "x".repeat(129)}) {
            assertThrows(IllegalArgumentException.class, () -> server.url(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> server.url(null));
        assertEquals("jdbc:sqlserver://db:1433;encrypt=false;databaseName=" + "x".repeat(128), server.url("x".repeat(128)));
    }
}
