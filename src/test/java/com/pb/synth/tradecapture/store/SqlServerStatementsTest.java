package com.pb.synth.tradecapture.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.pb.synth.tradecapture.domain.Position;
import com.pb.synth.tradecapture.approval.ApprovalStatements;
import com.pb.synth.tradecapture.ingest.IngestJobRepository;
import com.pb.synth.tradecapture.query.QueryRepository;
import com.pb.synth.tradecapture.reference.ReferenceDataRepository;
import com.pb.synth.tradecapture.rules.RuleRepository;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 6 test 1, for the statements of the capture hot path in T-SQL: parameters numbered 1..N
 * exactly as many as the rows bind, no statement over SQL Server's 2,100-parameter limit, the rows
 * the repositories build in the declared column order and types, and those types matching the
 * columns of the T-SQL migration.
 */
class SqlServerStatementsTest {

    private static final Pattern PARAM = Pattern.compile("@p(\\d+)\\b");
    private static final List<CaptureTables.Table> TABLES = List.of(CaptureTables.POSITIONS,
            CaptureTables.TRADE_VERSIONS, CaptureTables.TRADE_EXCEPTIONS, CaptureTables.LOT_BOOKS);

    private static TreeSet<Integer> params(String sql) {
        TreeSet<Integer> found = new TreeSet<>();
        Matcher m = PARAM.matcher(sql);
        while (m.find()) {
            found.add(Integer.parseInt(m.group(1)));
        }
        return found;
    }

    private static void numberedOneToN(String sql, int n) {
        TreeSet<Integer> found = params(sql);
        if (n == 0) {
            assertThat(found).as(sql).isEmpty();
            return;
        }
        assertThat(found).as(sql.substring(0, Math.min(80, sql.length()))).hasSize(n);
        assertThat(found.first()).isEqualTo(1);
        assertThat(found.last()).isEqualTo(n);
        assertThat(n).isLessThanOrEqualTo(2_100);
    }

    @Test
    void everyStatementBindsOneParameterPerValueWithinTheLimit() {
        for (CaptureTables.Table t : TABLES) {
            int cols = t.columns().size();
            assertThat(t.rowsPerStatement() * cols).as(t.name()).isLessThanOrEqualTo(SqlServerBatch.PARAMETER_BUDGET);
            for (int rows : new int[] {1, 3, t.rowsPerStatement()}) {
                numberedOneToN(SqlServerBatch.insertMissing(t, rows), rows * cols);
            }
            List<List<Object[]>> chunks = SqlServerBatch.chunks(IntStream.range(0, 5_000)
                    .mapToObj(i -> new Object[cols]).toList(), t);
            assertThat(chunks).allSatisfy(c -> assertThat(c.size() * cols).isLessThanOrEqualTo(2_100));
            assertThat(chunks.stream().mapToInt(List::size).sum()).isEqualTo(5_000);
        }
        int cols = CaptureTables.POSITIONS.columns().size();
        numberedOneToN(SqlServerBatch.updatePositions(CaptureTables.POSITIONS.rowsPerStatement()),
                CaptureTables.POSITIONS.rowsPerStatement() * cols);
        numberedOneToN(SqlServerBatch.lockPositions(2_000), 2_000);
        numberedOneToN(SqlServerBatch.history(17), 17);
        assertThat(SqlServerBatch.updatePositions(2)).doesNotContain("MERGE").contains("p.fencing_token <= v.fencing_token");
    }

    /** Babelfish ignores table hints: no statement may need one to be correct, so none has one. */
    @Test
    void noStatementReliesOnATableHint() {
        java.util.regex.Pattern hint = java.util.regex.Pattern.compile("WITH\\s*\\(\\s*(UPDLOCK|HOLDLOCK|ROWLOCK|READPAST|"
                + "SERIALIZABLE|XLOCK|TABLOCK|NOLOCK|PAGLOCK|REPEATABLEREAD|READCOMMITTEDLOCK)",
                java.util.regex.Pattern.CASE_INSENSITIVE);
        List<String> texts = new java.util.ArrayList<>(STATEMENTS.stream().map(Statement::sqlServer).toList());
        for (CaptureTables.Table t : TABLES) {
            texts.add(SqlServerBatch.insertMissing(t, 2));
        }
        texts.add(SqlServerBatch.updatePositions(2));
        texts.add(SqlServerBatch.lockPositions(2));
        texts.add(SqlServerBatch.history(2));
        assertThat(texts).allSatisfy(sql -> assertThat(hint.matcher(sql).find()).as(sql).isFalse());
    }

    @Test
    void boundTypesMatchTheMigrationsColumns() throws Exception {
        Map<String, MigrationParityTest.Table> schema = MigrationParityTest.schema(
                Path.of("src/main/resources/db/migration/mssql"), true);
        for (CaptureTables.Table t : TABLES) {
            Map<String, String> columns = schema.get(t.name()).columns();
            for (CaptureTables.Column c : t.columns()) {
                assertThat(columns).as(t.name()).containsKey(c.name());
                String type = columns.get(c.name()).replace(" not null", "").replace(" null", "");
                assertThat(compatible(c.type(), type)).as(t.name() + "." + c.name() + " " + type + " bound as "
                        + c.type().getSimpleName()).isTrue();
            }
            String key = String.join(",", t.key());
            MigrationParityTest.Table stored = schema.get(t.name());
            assertThat(String.join(",", stored.primaryKey()).equals(key) || stored.uniqueKeys().contains(key))
                    .as(t.name() + ": the columns that skip stored rows are a key of the table").isTrue();
        }
    }

    /** Every statement the repositories declare in both kinds (the hot path's batches are checked above). */
    static final List<Statement> STATEMENTS = Stream.of(IngestJobRepository.STATEMENTS, QueryRepository.STATEMENTS,
            ReferenceDataRepository.STATEMENTS, RuleRepository.STATEMENTS, ApprovalStatements.STATEMENTS,
            SchemaVersion.STATEMENTS, PublishedOffsets.STATEMENTS, OpenExceptions.STATEMENTS, LotRepository.STATEMENTS,
            List.of(LiveTrades.LIVE_TRADES), LotBooker.STATEMENTS)
            .flatMap(List::stream).toList();
    private static final Pattern PG_PARAM = Pattern.compile("\\$(\\d+)\\b");
    private static final List<String> POSTGRESQL_ONLY = List.of("ON CONFLICT", "RETURNING", "LIMIT ", "SKIP LOCKED",
            "LATERAL", "IS DISTINCT FROM", "::", "$");

    @Test
    void everyDeclaredStatementMatchesItsBindsInBothKindsAndTheMigration() throws Exception {
        Map<String, MigrationParityTest.Table> schema = MigrationParityTest.schema(
                Path.of("src/main/resources/db/migration/mssql"), true);
        assertThat(STATEMENTS).hasSizeGreaterThan(30);
        for (Statement st : STATEMENTS) {
            int n = st.binds().size();
            numberedOneToN(st.sqlServer(), n);
            TreeSet<Integer> pg = new TreeSet<>();
            Matcher m = PG_PARAM.matcher(st.postgresql());
            while (m.find()) {
                pg.add(Integer.parseInt(m.group(1)));
            }
            assertThat(pg).as(st.name() + " (PostgreSQL)").containsExactlyElementsOf(
                    IntStream.rangeClosed(1, n).boxed().toList());
            for (String syntax : POSTGRESQL_ONLY) {
                assertThat(st.sqlServer()).as(st.name() + " T-SQL").doesNotContain(syntax);
            }
            for (Statement.Bind b : st.binds()) {
                if (b.column() == null) {
                    assertThat(b.type()).as(st.name() + " limit").isEqualTo(Integer.class);
                    continue;
                }
                String[] tc = b.column().split("\\.");
                assertThat(schema).as(st.name()).containsKey(tc[0]);
                assertThat(schema.get(tc[0]).columns()).as(st.name()).containsKey(tc[1]);
                String type = schema.get(tc[0]).columns().get(tc[1]).replace(" not null", "").replace(" null", "");
                assertThat(compatible(b.type(), type)).as(st.name() + ": " + b.column() + " " + type + " bound as "
                        + b.type().getSimpleName()).isTrue();
            }
        }
    }

    @Test
    void aTupleThatDoesNotMatchItsBindsIsRefused() {
        Statement st = IngestJobRepository.STATEMENTS.get(0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.tuple("only one"))
                .hasMessageContaining("binds " + st.binds().size());
        Object[] wrongType = new Object[st.binds().size()];
        wrongType[3] = "not an int";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.tuple(wrongType)).hasMessageContaining("Integer");
    }

    @Test
    void repositoriesBuildRowsInTheDeclaredOrderAndTypes() {
        OffsetDateTime now = OffsetDateTime.parse("2026-11-24T15:30:00Z");
        Position p = new Position("ACC-001_BOOK-01_US0378331005", new BigDecimal("10"), new BigDecimal("100"), 1, 0, 7,
                42);
        Object[] position = PositionRepository.row(p, now);
        assertThat(position).containsExactly("ACC-001_BOOK-01_US0378331005", "ACC-001", "BOOK-01", "US0378331005",
                new BigDecimal("10"), new BigDecimal("100"), 1, 0, 7L, now, 42L);
        matches(CaptureTables.POSITIONS, position);
        // a lot change queued: a trade no longer live (no lots), at the decision's time to the millisecond
        Object[] queued = LotKeeper.removalRow("K", "T1", java.time.Instant.parse("2026-11-24T15:30:00.123456Z"));
        assertThat(queued).containsExactly(0, "K", "T1", null, OffsetDateTime.parse("2026-11-24T15:30:00.123Z"));
        matches(CaptureTables.LOT_QUEUE, queued);

        Object[] version = TradeVersionRepository.row(new TradeVersionRow("T1", 2, "K", "NEW", BigDecimal.ONE,
                BigDecimal.TEN, true, false, 5L, "idem", 9L, 3, 44L, now, new byte[] {1}));
        assertThat(version[0]).isEqualTo("T1");
        assertThat(version[1]).isEqualTo(2);
        assertThat(version[13]).isEqualTo(now);
        matches(CaptureTables.TRADE_VERSIONS, version);

        Object[] exception = ExceptionRepository.row(new ExceptionRow("NOT_JSON", "d", null, null, "K", "topic", 1, 2L,
                new byte[] {2}, now));
        assertThat(exception[0]).isEqualTo("NOT_JSON");
        assertThat(exception[5]).isEqualTo("topic");
        matches(CaptureTables.TRADE_EXCEPTIONS, exception);
    }

    private static void matches(CaptureTables.Table t, Object[] row) {
        assertThat(row).as(t.name()).hasSize(t.columns().size());
        for (int i = 0; i < row.length; i++) {
            if (row[i] != null) {
                assertThat(row[i]).as(t.name() + "." + t.columns().get(i).name()).isInstanceOf(t.columns().get(i).type());
            }
        }
    }

    private static boolean compatible(Class<?> java, String column) {
        if (java == String.class) {
            return column.startsWith("text(") || column.startsWith("char(");
        }
        if (java == Integer.class) {
            return column.equals("int");
        }
        if (java == Long.class) {
            return column.equals("bigint");
        }
        if (java == BigDecimal.class) {
            return column.startsWith("decimal(");
        }
        if (java == Boolean.class) {
            return column.equals("boolean");
        }
        if (java == OffsetDateTime.class) {
            return column.equals("instant");
        }
        return (java == byte[].class || java == io.vertx.core.buffer.Buffer.class) && column.equals("bytes");
    }
}
