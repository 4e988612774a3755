package com.pb.synth.tradecapture.store;

import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Arrays;
import java.util.List;

/**
 * One SQL statement in both store kinds, with what each parameter binds: a column
 * ({@code table.column}) and the Java type of its values, or a plain value (a row limit) with no
 * column. Both texts number their parameters the same way ({@code $n} and {@code @pn}).
 * {@link #tuple} refuses values that do not match the binds, so every run against PostgreSQL also
 * checks the binds the SQL Server text relies on; {@code SqlServerStatementsTest} checks the texts
 * and the binds against the T-SQL migration.
 */
public record Statement(String name, String postgresql, String sqlServer, List<Bind> binds) {

    /** What a parameter binds; {@code column} is null for a value that is not a column (a limit). */
    public record Bind(String column, Class<?> type) {
    }

    public static Bind bind(String column, Class<?> type) {
        return new Bind(column, type);
    }

    /** A statement whose T-SQL is the PostgreSQL text with {@code @pn} parameters. */
    public static Statement portable(String name, String postgresql, Bind... binds) {
        return new Statement(name, postgresql, postgresql.replaceAll("\\$(\\d+)", "@p$1"), List.of(binds));
    }

    public static Statement of(String name, String postgresql, String sqlServer, Bind... binds) {
        return new Statement(name, postgresql, sqlServer, List.of(binds));
    }

    public String sql(boolean onSqlServer) {
        return onSqlServer ? sqlServer : postgresql;
    }

    /**
     * The T-SQL text and parameters for these values: checked like {@link #tuple}, each null written
     * into the text as a typed NULL of its bind's type ({@link SqlServerBatch#typedNull}), so no
     * null is ever bound.
     */
    public SqlServerBatch.Bound forSqlServer(Object... values) {
        tuple(values);
        return SqlServerBatch.inlineNulls(sqlServer, Arrays.asList(values), binds.stream().<Class<?>>map(Bind::type).toList());
    }

    /** The parameters, checked against the binds: as many, each null or of its bind's type. */
    public Tuple tuple(Object... values) {
        if (values.length != binds.size()) {
            throw new IllegalArgumentException(name + " binds " + binds.size() + " values, got " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null && !binds.get(i).type().isInstance(values[i])) {
                throw new IllegalArgumentException(name + " parameter " + (i + 1) + " (" + binds.get(i).column()
                        + ") is " + binds.get(i).type().getSimpleName() + ", got " + values[i].getClass().getSimpleName());
            }
        }
        return Tuple.from(Arrays.asList(values));
    }
}
