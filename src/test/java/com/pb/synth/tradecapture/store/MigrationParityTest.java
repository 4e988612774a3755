package com.pb.synth.tradecapture.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 6 test 2: the PostgreSQL and SQL Server migrations, each applied in version order, define
 * the same tables, the same columns with the same mapped types and nullability, and the same
 * primary and unique keys. The migrations are read as text (there is no SQL Server to apply them
 * to); the reader knows the DDL subset the migrations use and fails on a table statement it cannot read.
 */
class MigrationParityTest {

    private static final Path ROOT = Path.of("src/main/resources/db/migration");

    /** A table as the migrations leave it: column to "type [null]", and its keys as column lists. */
    record Table(Map<String, String> columns, List<String> primaryKey, TreeSet<String> uniqueKeys) {
    }

    @Test
    void bothKindsDefineTheSameTablesColumnsAndKeys() throws IOException {
        Map<String, Table> pg = schema(ROOT.resolve("postgresql"), false);
        Map<String, Table> ms = schema(ROOT.resolve("mssql"), true);
        assertThat(pg).as("tables").isNotEmpty();
        assertThat(ms.keySet()).as("tables").isEqualTo(pg.keySet());
        for (String table : pg.keySet()) {
            assertThat(ms.get(table).columns()).as(table + " columns").isEqualTo(pg.get(table).columns());
            assertThat(ms.get(table).primaryKey()).as(table + " primary key").isEqualTo(pg.get(table).primaryKey());
            assertThat(ms.get(table).uniqueKeys()).as(table + " unique keys").isEqualTo(pg.get(table).uniqueKeys());
        }
        assertThat(pg.get("trade_versions").columns()).containsEntry("captured_event", "bytes not null")
                .containsEntry("signed_quantity", "decimal(28,8) not null")
                .containsEntry("captured_at", "instant not null");
        assertThat(ms.get("ingest_jobs").uniqueKeys()).containsExactly("idempotency_key");
        assertThat(ms.get("trade_versions").primaryKey()).containsExactly("trade_id", "version");
        assertThat(ms.get("trade_versions").columns()).containsEntry("trade_id", "text(64) not null");
    }

    @Test
    void theComparisonNoticesADifference() {
        Map<String, Table> pg = new TreeMap<>();
        Map<String, Table> ms = new TreeMap<>();
        read("CREATE TABLE t (id VARCHAR(64) PRIMARY KEY, q NUMERIC(28,8) NOT NULL);", false, pg);
        read("CREATE TABLE t (id NVARCHAR(64) NOT NULL CONSTRAINT t_pk PRIMARY KEY, q DECIMAL(18,8) NOT NULL);", true, ms);
        assertThat(ms.get("t").columns()).isNotEqualTo(pg.get("t").columns());
        assertThat(ms.get("t").primaryKey()).isEqualTo(pg.get("t").primaryKey());
    }

    static Map<String, Table> schema(Path dir, boolean tsql) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()
                            .substring(1, p.getFileName().toString().indexOf("__"))))).toList();
        }
        Map<String, Table> tables = new TreeMap<>();
        for (Path f : files) {
            read(Files.readString(f), tsql, tables);
        }
        return tables;
    }

    private static void read(String sql, boolean tsql, Map<String, Table> tables) {
        String text = sql.replaceAll("--[^\n]*", "");
        // PostgreSQL function and DO bodies are dollar-quoted; T-SQL triggers are their own GO batch.
        text = text.replaceAll("(?s)\\$(\\w*)\\$.*?\\$\\1\\$", "''");
        List<String> statements = new ArrayList<>();
        for (String batch : text.split("(?im)^\\s*GO\\s*$")) {
            if (batch.trim().toUpperCase(Locale.ROOT).startsWith("CREATE TRIGGER")) {
                continue;
            }
            for (String s : batch.split(";")) {
                if (!s.isBlank()) {
                    statements.add(s.trim().replaceAll("\\s+", " "));
                }
            }
        }
        for (String s : statements) {
            statement(s, tsql, tables);
        }
    }

    private static final Pattern CREATE_TABLE = Pattern.compile("(?i)CREATE TABLE (\\w+) \\((.*)\\)");
    private static final Pattern ADD = Pattern.compile("(?i)ALTER TABLE (\\w+) ADD (?:COLUMN )?(.*)");
    private static final Pattern ALTER_TYPE = Pattern.compile("(?i)ALTER TABLE (\\w+) ALTER COLUMN (\\w+) TYPE (\\w+(?:\\([^)]*\\))?).*");
    private static final Pattern DROP_COLUMN = Pattern.compile("(?i)ALTER TABLE (\\w+) DROP COLUMN (\\w+)");
    private static final Pattern DROP_TABLE = Pattern.compile("(?i)DROP TABLE (\\w+)");
    private static final Pattern INDEX = Pattern.compile("(?i)CREATE (UNIQUE )?INDEX \\w+ ON (\\w+) \\(([^)]*)\\).*");

    private static void statement(String s, boolean tsql, Map<String, Table> tables) {
        Matcher m;
        if ((m = CREATE_TABLE.matcher(s)).matches()) {
            Table t = new Table(new LinkedHashMap<>(), new ArrayList<>(), new TreeSet<>());
            for (String part : topLevel(m.group(2))) {
                element(part, tsql, t);
            }
            for (String pk : t.primaryKey()) {
                t.columns().computeIfPresent(pk, (c, type) -> type.endsWith(" not null") ? type
                        : type.substring(0, type.length() - " null".length()) + " not null");
            }
            tables.put(m.group(1).toLowerCase(Locale.ROOT), t);
        } else if ((m = ALTER_TYPE.matcher(s)).matches()) {
            Table t = tables.get(m.group(1).toLowerCase(Locale.ROOT));
            String column = m.group(2).toLowerCase(Locale.ROOT);
            String nullity = t.columns().get(column).endsWith(" not null") ? " not null" : " null";
            t.columns().put(column, type(m.group(3), tsql) + nullity);
        } else if ((m = DROP_COLUMN.matcher(s)).matches()) {
            String column = m.group(2).toLowerCase(Locale.ROOT);
            if (tables.get(m.group(1).toLowerCase(Locale.ROOT)).columns().remove(column) == null) {
                throw new IllegalStateException("no column to drop: " + s);
            }
        } else if ((m = DROP_TABLE.matcher(s)).matches()) {
            if (tables.remove(m.group(1).toLowerCase(Locale.ROOT)) == null) {
                throw new IllegalStateException("no table to drop: " + s);
            }
        } else if ((m = ADD.matcher(s)).matches()) {
            Table t = tables.get(m.group(1).toLowerCase(Locale.ROOT));
            for (String part : topLevel(m.group(2))) {
                element(part, tsql, t);
            }
        } else if ((m = INDEX.matcher(s)).matches() && m.group(1) != null) {
            tables.get(m.group(2).toLowerCase(Locale.ROOT)).uniqueKeys().add(columns(m.group(3)));
        } else if (s.toUpperCase(Locale.ROOT).startsWith("CREATE TABLE") || s.toUpperCase(Locale.ROOT).startsWith("ALTER TABLE")) {
            throw new IllegalStateException("cannot read: " + s);
        }
    }

    private static void element(String part, boolean tsql, Table t) {
        String p = part.trim();
        String upper = p.toUpperCase(Locale.ROOT);
        Matcher key = Pattern.compile("(?i)(?:CONSTRAINT \\w+ )?(PRIMARY KEY|UNIQUE) \\(([^)]*)\\)").matcher(p);
        if (key.matches()) {
            if (key.group(1).equalsIgnoreCase("PRIMARY KEY")) {
                t.primaryKey().addAll(List.of(columns(key.group(2)).split(",")));
            } else {
                t.uniqueKeys().add(columns(key.group(2)));
            }
            return;
        }
        String[] words = p.split(" ", 2);
        String name = words[0].toLowerCase(Locale.ROOT);
        String rest = words[1];
        Matcher typeMatch = Pattern.compile("(?i)^(\\w+(?:\\s*\\([^)]*\\))?)").matcher(rest);
        if (!typeMatch.find()) {
            throw new IllegalStateException("no type in: " + p);
        }
        boolean notNull = upper.contains("NOT NULL") || upper.contains("PRIMARY KEY");
        t.columns().put(name, type(typeMatch.group(1), tsql) + (notNull ? " not null" : " null"));
        if (upper.contains("PRIMARY KEY")) {
            t.primaryKey().add(name);
        }
        if (upper.matches(".*\\bUNIQUE\\b.*")) {
            t.uniqueKeys().add(name);
        }
    }

    /** The type both kinds agree on: text(n), char(n), decimal(p,s), int, bigint, boolean, instant, bytes. */
    static String type(String raw, boolean tsql) {
        String t = raw.toUpperCase(Locale.ROOT).replace(" ", "");
        Matcher sized = Pattern.compile("(\\w+)(?:\\((.*)\\))?").matcher(t);
        if (!sized.matches()) {
            throw new IllegalStateException(raw);
        }
        String base = sized.group(1);
        String size = sized.group(2);
        return switch (base) {
            case "VARCHAR", "NVARCHAR" -> "text(" + size.toLowerCase(Locale.ROOT) + ")";
            case "TEXT" -> "text(max)";
            case "CHAR", "NCHAR" -> "char(" + size + ")";
            case "NUMERIC", "DECIMAL" -> "decimal(" + size + ")";
            case "INT", "INTEGER" -> "int";
            case "BIGINT", "BIGSERIAL" -> "bigint";
            case "BOOLEAN", "BIT" -> "boolean";
            case "TIMESTAMPTZ" -> "instant";
            case "DATETIMEOFFSET" -> "3".equals(size) ? "instant" : "datetimeoffset(" + size + ")";
            case "BYTEA" -> "bytes";
            case "VARBINARY" -> "MAX".equals(size) ? "bytes" : "varbinary(" + size + ")";
            default -> throw new IllegalStateException("unmapped type " + raw + (tsql ? " (T-SQL)" : ""));
        };
    }

    private static String columns(String list) {
        return String.join(",", Stream.of(list.split(",")).map(c -> c.trim().toLowerCase(Locale.ROOT)).toList());
    }

    /** Splits on commas outside parentheses. */
    private static List<String> topLevel(String body) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(body.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(body.substring(start));
        return parts;
    }
}
