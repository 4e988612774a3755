package com.pb.synth.tradecapture.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.query.QueryRepository;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a real TDS server (SQL Server, Babelfish) found wrong, checked on the statements themselves:
 * no bound null, typed decimals in multi-row VALUES, NOCOUNT reset, one column per ADD, and the
 * session's isolation restored after a snapshot read.
 */
class SqlServerDialectTest {

    private static final List<CaptureTables.Table> TABLES = List.of(CaptureTables.POSITIONS,
            CaptureTables.TRADE_VERSIONS, CaptureTables.TRADE_EXCEPTIONS);

    @Test
    void noStatementBindsANullEachIsWrittenIntoTheTextAsATypedNull() {
        int withNulls = 0;
        for (Statement st : SqlServerStatementsTest.STATEMENTS) {
            Object[] values = new Object[st.binds().size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = st.binds().get(i).column() == null ? Integer.valueOf(10) : null;  // a limit is never null
            }
            if (values.length == 0) {
                continue;
            }
            SqlServerBatch.Bound bound = st.forSqlServer(values);
            assertThat(bound.values()).as(st.name()).doesNotContainNull();
            assertThat(params(bound.sql())).as(st.name()).isEqualTo(bound.values().size());
            assertThat(bound.sql()).as(st.name()).contains("CAST(NULL AS ");
            withNulls++;
        }
        assertThat(withNulls).isGreaterThan(20);
        for (CaptureTables.Table t : TABLES) {
            Object[] full = new Object[t.columns().size()];
            for (int c = 0; c < full.length; c++) {
                full[c] = sample(t.columns().get(c).type());
            }
            Object[] sparse = full.clone();
            sparse[full.length - 1] = null;
            sparse[1] = null;
            List<Object[]> rows = List.of(full, sparse, full);
            Tuple bound = SqlServerBatch.tuple(rows);
            String sql = SqlServerBatch.insertMissing(t, rows);
            assertThat(bound.size()).as(t.name()).isEqualTo(3 * full.length - 2);
            for (int i = 0; i < bound.size(); i++) {
                assertThat(sent(bound, i)).as(t.name() + " parameter " + (i + 1)).isNotNull();
            }
            assertThat(params(sql)).as(t.name()).isEqualTo(bound.size());
            assertThat(sql).contains(SqlServerBatch.typedNull(t.columns().get(1).type()));
        }
        // Rows with the same nulls go into the same statements, so the texts stay few.
        List<Object[]> mixed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Object[] row = new Object[CaptureTables.TRADE_VERSIONS.columns().size()];
            row[8] = i % 2 == 0 ? null : Long.valueOf(i);
            mixed.add(row);
        }
        List<List<Object[]>> chunks = SqlServerBatch.chunks(mixed, CaptureTables.TRADE_VERSIONS);
        assertThat(chunks.get(0).subList(0, 5)).allMatch(r -> r[8] != null);
        assertThat(chunks.get(0).subList(5, 10)).allMatch(r -> r[8] == null);
    }

    private static int params(String sql) {
        java.util.Set<String> distinct = new java.util.TreeSet<>();
        Matcher m = Pattern.compile("@p(\\d+)\\b").matcher(sql);
        while (m.find()) {
            distinct.add(m.group(1));
        }
        for (int i = 1; i <= distinct.size(); i++) {
            assertThat(distinct).as("parameters numbered 1..N in " + sql).contains(Integer.toString(i));
        }
        return distinct.size();
    }

    private static Object sample(Class<?> type) {
        return type == String.class ? "x" : type == Integer.class ? 1 : type == Long.class ? 1L
                : type == BigDecimal.class ? BigDecimal.ONE : type == Boolean.class ? true
                : type == java.time.OffsetDateTime.class ? java.time.OffsetDateTime.now() : new byte[] {1};
    }

    /** What the client sends for a parameter (getValue would hide a typed null as null). */
    private static Object sent(Tuple tuple, int i) {
        return ((io.vertx.sqlclient.impl.TupleInternal) tuple.getDelegate()).getValueInternal(i);
    }

    @Test
    void everyDecimalInAMultiRowValuesIsCastToTheColumnsType() {
        for (CaptureTables.Table t : TABLES) {
            List<String> statements = new ArrayList<>(List.of(SqlServerBatch.insertMissing(t, 3)));
            if (t == CaptureTables.POSITIONS) {
                statements.add(SqlServerBatch.updatePositions(3));
            }
            for (String sql : statements) {
                for (int row = 0; row < 3; row++) {
                    for (int c = 0; c < t.columns().size(); c++) {
                        String p = "@p" + (row * t.columns().size() + c + 1);
                        boolean cast = Pattern.compile("CAST\\(" + p + " AS DECIMAL\\(28,8\\)\\)").matcher(sql).find();
                        assertThat(cast).as(t.name() + "." + t.columns().get(c).name() + " as " + p)
                                .isEqualTo(t.columns().get(c).type() == BigDecimal.class);
                    }
                }
            }
        }
    }

    @Test
    void everyBatchThatSetsNocountOnEndsBySettingItOff() {
        int checked = 0;
        for (Statement st : SqlServerStatementsTest.STATEMENTS) {
            String sql = st.sqlServer().toUpperCase(Locale.ROOT);
            if (sql.contains("NOCOUNT ON")) {
                checked++;
                assertThat(sql.strip()).as(st.name()).endsWith("SET NOCOUNT OFF");
            }
        }
        assertThat(checked).as("the upserts and the rule insert set NOCOUNT").isGreaterThanOrEqualTo(4);
    }

    @Test
    void noMigrationAddsSeveralColumnsInOneAlterTable() throws IOException {
        Pattern add = Pattern.compile("ALTER\\s+TABLE\\s+\\w+\\s+ADD\\s+([^;]*);", Pattern.CASE_INSENSITIVE);
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration/mssql"))) {
            for (Path f : files.sorted().toList()) {
                Matcher m = add.matcher(Files.readString(f));
                while (m.find()) {
                    assertThat(topLevelCommas(m.group(1))).as(f.getFileName() + ": " + m.group()).isZero();
                }
            }
        }
    }

    private static int topLevelCommas(String s) {
        int depth = 0, commas = 0;
        for (char c : s.toCharArray()) {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            commas += c == ',' && depth == 0 ? 1 : 0;
        }
        return commas;
    }

    @Test
    void aSnapshotReadEndsByRestoringReadCommittedOnItsConnection() {
        List<Statement> read = QueryRepository.POSITION_READ;
        assertThat(read.get(0).sqlServer()).contains("ISOLATION LEVEL SNAPSHOT");
        Statement last = read.get(read.size() - 1);
        assertThat(last.sqlServer()).isEqualTo("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
        assertThat(last.postgresql()).contains("READ COMMITTED");
        // No statement but the first of a snapshot read sets an isolation level.
        for (Statement st : SqlServerStatementsTest.STATEMENTS) {
            if (st.sqlServer().contains("ISOLATION LEVEL") && st != read.get(0)) {
                assertThat(st).isSameAs(last);
            }
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
