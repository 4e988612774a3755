package com.pb.synth.tradecapture.reference;

import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.store.CaptureStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The reference tables: read whole (they are small, thousands of rows, and cached in process) and
 * written one row at a time by the admin API. Every write bumps {@code reference_data_version}
 * (a trigger, so hand edits do too), which is how every instance learns of it.
 */
@ApplicationScoped
public class ReferenceDataRepository {

    private static final String SECURITIES =
            "SELECT security_id, isin, ric, currency, asset_class, exchange, status FROM securities";
    private static final String ACCOUNTS = "SELECT account_id, legal_entity, region, spread_bps, tenor_months, "
            + "reset_frequency, straight_through, status, day_count, max_trade_notional FROM accounts";
    private static final String BOOKS = "SELECT book_id, desk, legal_entity, status FROM books";
    private static final String VERSION = "SELECT version FROM reference_data_version WHERE id = 1";
    private static final String UPSERT_SECURITY = "INSERT INTO securities (security_id, isin, ric, currency, "
            + "asset_class, exchange, status, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now()) "
            + "ON CONFLICT (security_id) DO UPDATE SET isin = EXCLUDED.isin, ric = EXCLUDED.ric, "
            + "currency = EXCLUDED.currency, asset_class = EXCLUDED.asset_class, exchange = EXCLUDED.exchange, "
            + "status = EXCLUDED.status, updated_at = EXCLUDED.updated_at RETURNING (xmax = 0) AS created";
    private static final String UPSERT_ACCOUNT = "INSERT INTO accounts (account_id, legal_entity, region, spread_bps, "
            + "tenor_months, reset_frequency, straight_through, status, day_count, max_trade_notional, updated_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) ON CONFLICT (account_id) DO UPDATE SET "
            + "legal_entity = EXCLUDED.legal_entity, region = EXCLUDED.region, spread_bps = EXCLUDED.spread_bps, "
            + "tenor_months = EXCLUDED.tenor_months, reset_frequency = EXCLUDED.reset_frequency, "
            + "straight_through = EXCLUDED.straight_through, status = EXCLUDED.status, day_count = EXCLUDED.day_count, "
            + "max_trade_notional = EXCLUDED.max_trade_notional, updated_at = EXCLUDED.updated_at "
            + "RETURNING (xmax = 0) AS created";
    private static final String UPSERT_BOOK = "INSERT INTO books (book_id, desk, legal_entity, status, updated_at) "
            + "VALUES ($1, $2, $3, $4, now()) ON CONFLICT (book_id) DO UPDATE SET desk = EXCLUDED.desk, "
            + "legal_entity = EXCLUDED.legal_entity, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at "
            + "RETURNING (xmax = 0) AS created";
    private static final String ACTIVE = "ACTIVE";
    private static final String INACTIVE = "INACTIVE";

    private final Pool pool;

    public ReferenceDataRepository(@CaptureStore Pool pool) {
        this.pool = pool;
    }

    /** The version of the reference data in the database: it changes with every write to it. */
    public Uni<Long> version() {
        return pool.query(VERSION).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Map<String, Security>> securities() {
        return load(SECURITIES, row -> new Security(row.getString("security_id"), row.getString("isin"),
                row.getString("ric"), row.getString("currency"), row.getString("asset_class"),
                row.getString("exchange"), ACTIVE.equals(row.getString("status"))), Security::securityId);
    }

    public Uni<Map<String, Account>> accounts() {
        return load(ACCOUNTS, row -> new Account(row.getString("account_id"), row.getString("legal_entity"),
                row.getString("region"), row.getBigDecimal("spread_bps"), row.getInteger("tenor_months"),
                row.getString("reset_frequency"), row.getBoolean("straight_through"),
                ACTIVE.equals(row.getString("status")), row.getString("day_count"),
                row.getBigDecimal("max_trade_notional")), Account::accountId);
    }

    public Uni<Map<String, Book>> books() {
        return load(BOOKS, row -> new Book(row.getString("book_id"), row.getString("desk"),
                row.getString("legal_entity"), ACTIVE.equals(row.getString("status"))), Book::bookId);
    }

    /** Creates or replaces a security; true when it was created. */
    public Uni<Boolean> put(Security s) {
        return upsert(UPSERT_SECURITY, s.securityId(), s.isin(), s.ric(), s.currency(), s.assetClass(), s.exchange(),
                status(s.active()));
    }

    public Uni<Boolean> put(Account a) {
        return upsert(UPSERT_ACCOUNT, a.accountId(), a.legalEntity(), a.region(), a.spreadBps(), a.tenorMonths(),
                a.resetFrequency(), a.straightThrough(), status(a.active()), a.dayCount(), a.maxTradeNotional());
    }

    public Uni<Boolean> put(Book b) {
        return upsert(UPSERT_BOOK, b.bookId(), b.desk(), b.legalEntity(), status(b.active()));
    }

    private Uni<Boolean> upsert(String sql, Object... values) {
        return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(values)))
                .map(rows -> rows.iterator().next().getBoolean("created"));
    }

    private static String status(boolean active) {
        return active ? ACTIVE : INACTIVE;
    }

    private <T> Uni<Map<String, T>> load(String sql, Function<Row, T> from, Function<T, String> id) {
        return pool.query(sql).execute().map(rows -> {
            Map<String, T> byId = new HashMap<>();
            for (Row row : rows) {
                T item = from.apply(row);
                byId.put(id.apply(item), item);
            }
            return Map.copyOf(byId);
        });
    }
}
