package com.pb.synth.tradecapture.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.resource.StringResource;
import org.flywaydb.core.internal.sqlscript.SqlStatementIterator;
import org.flywaydb.database.sqlserver.SQLServerParser;
import org.junit.jupiter.api.Test;

/**
 * The T-SQL migrations are also the scripts a DBA runs with {@code sqlcmd} (DB_MIGRATE_AT_START=false):
 * each file, split into batches at its {@code GO} lines as sqlcmd does, holds exactly the statements
 * Flyway's own SQL Server parser finds in it, one per batch, in the same order, and ends with GO.
 */
class SqlServerScriptsTest {

    private static final Path DIR = Path.of("src/main/resources/db/migration/mssql");
    private static final Pattern GO = Pattern.compile("(?m)^GO[ \\t]*$");

    @Test
    void everyScriptSplitsAtGoIntoExactlyTheStatementsFlywayRuns() throws IOException {
        SQLServerParser parser = new SQLServerParser(Flyway.configure().placeholders(Map.of("demoData", "false")),
                new ParsingContext());
        List<Path> files;
        try (Stream<Path> list = Files.list(DIR)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(10);
        for (Path file : files) {
            String text = Files.readString(file);
            List<String> flyway = new ArrayList<>();
            try (SqlStatementIterator statements = parser.parse(new StringResource(text))) {
                statements.forEachRemaining(s -> flyway.add(normal(s.getSql())));
            }
            List<String> batches = new ArrayList<>();
            for (String batch : GO.split(text)) {
                if (!normal(batch).isEmpty()) {
                    batches.add(normal(batch));
                }
            }
            assertThat(batches).as(file.getFileName().toString()).isEqualTo(flyway);
            assertThat(text.strip()).as(file.getFileName() + " ends with GO").endsWith("GO");
        }
    }

    /** The statement without comments, blank lines or its final semicolon. */
    private static String normal(String sql) {
        StringBuilder out = new StringBuilder();
        for (String line : sql.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("--")) {
                out.append(out.isEmpty() ? "" : "\n").append(l);
            }
        }
        String s = out.toString();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }
}
