package com.pb.synth.tradecapture.reference;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.Security;
import com.pb.synth.tradecapture.store.Statement;
import com.pb.synth.tradecapture.store.StoreStatements;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The reference tables: read whole (they are small, thousands of rows, and cached in process) and
 * written one row at a time by the admin API. Every write bumps {@code reference_data_version}
 * (a trigger, so hand edits do too), which is how every instance learns of it.
 */
@ApplicationScoped
public class ReferenceDataRepository {

    static final Statement SECURITIES = Statement.portable("securities",
            "SELECT security_id, isin, ric, currency, asset_class, exchange, status FROM securities");
    static final Statement ACCOUNTS = Statement.portable("accounts", "SELECT account_id, legal_entity, region, "
            + "spread_bps, tenor_months, reset_frequency, straight_through, status, day_count, max_trade_notional "
            + "FROM accounts");
    static final Statement BOOKS = Statement.portable("books", "SELECT book_id, desk, legal_entity, status FROM books");
    static final Statement VERSION = Statement.portable("reference version",
            "SELECT version FROM reference_data_version WHERE id = 1");
    static final Statement UPSERT_SECURITY = Statement.of("upsert security",
            "INSERT INTO securities (security_id, isin, ric, currency, asset_class, exchange, status, updated_at) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, now()) ON CONFLICT (security_id) DO UPDATE SET "
                    + "isin = EXCLUDED.isin, ric = EXCLUDED.ric, currency = EXCLUDED.currency, "
                    + "asset_class = EXCLUDED.asset_class, exchange = EXCLUDED.exchange, status = EXCLUDED.status, "
                    + "updated_at = EXCLUDED.updated_at RETURNING (xmax = 0) AS created",
            upsert("UPDATE securities SET isin = @p2, ric = @p3, currency = @p4, "
                    + "asset_class = @p5, exchange = @p6, status = @p7, updated_at = SYSDATETIMEOFFSET() "
                    + "WHERE security_id = @p1",
                    "INSERT INTO securities (security_id, isin, ric, currency, asset_class, exchange, status, updated_at) "
                    + "VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, SYSDATETIMEOFFSET())"),
            bind("securities.security_id", String.class), bind("securities.isin", String.class),
            bind("securities.ric", String.class), bind("securities.currency", String.class),
            bind("securities.asset_class", String.class), bind("securities.exchange", String.class),
            bind("securities.status", String.class));
    static final Statement UPSERT_ACCOUNT = Statement.of("upsert account",
            "INSERT INTO accounts (account_id, legal_entity, region, spread_bps, tenor_months, reset_frequency, "
                    + "straight_through, status, day_count, max_trade_notional, updated_at) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) ON CONFLICT (account_id) DO UPDATE SET "
                    + "legal_entity = EXCLUDED.legal_entity, region = EXCLUDED.region, spread_bps = EXCLUDED.spread_bps, "
                    + "tenor_months = EXCLUDED.tenor_months, reset_frequency = EXCLUDED.reset_frequency, "
                    + "straight_through = EXCLUDED.straight_through, status = EXCLUDED.status, "
                    + "day_count = EXCLUDED.day_count, max_trade_notional = EXCLUDED.max_trade_notional, "
                    + "updated_at = EXCLUDED.updated_at RETURNING (xmax = 0) AS created",
            upsert("UPDATE accounts SET legal_entity = @p2, region = @p3, spread_bps = @p4, "
                    + "tenor_months = @p5, reset_frequency = @p6, straight_through = @p7, status = @p8, day_count = @p9, "
                    + "max_trade_notional = @p10, updated_at = SYSDATETIMEOFFSET() WHERE account_id = @p1",
                    "INSERT INTO accounts (account_id, legal_entity, region, spread_bps, tenor_months, reset_frequency, "
                    + "straight_through, status, day_count, max_trade_notional, updated_at) "
                    + "VALUES (@p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, SYSDATETIMEOFFSET())"),
            bind("accounts.account_id", String.class), bind("accounts.legal_entity", String.class),
            bind("accounts.region", String.class), bind("accounts.spread_bps", BigDecimal.class),
            bind("accounts.tenor_months", Integer.class), bind("accounts.reset_frequency", String.class),
            bind("accounts.straight_through", Boolean.class), bind("accounts.status", String.class),
            bind("accounts.day_count", String.class), bind("accounts.max_trade_notional", BigDecimal.class));
    static final Statement UPSERT_BOOK = Statement.of("upsert book",
            "INSERT INTO books (book_id, desk, legal_entity, status, updated_at) VALUES ($1, $2, $3, $4, now()) "
                    + "ON CONFLICT (book_id) DO UPDATE SET desk = EXCLUDED.desk, legal_entity = EXCLUDED.legal_entity, "
                    + "status = EXCLUDED.status, updated_at = EXCLUDED.updated_at RETURNING (xmax = 0) AS created",
            upsert("UPDATE books SET desk = @p2, legal_entity = @p3, status = @p4, "
                    + "updated_at = SYSDATETIMEOFFSET() WHERE book_id = @p1",
                    "INSERT INTO books (book_id, desk, legal_entity, status, updated_at) "
                    + "VALUES (@p1, @p2, @p3, @p4, SYSDATETIMEOFFSET())"),
            bind("books.book_id", String.class), bind("books.desk", String.class),
            bind("books.legal_entity", String.class), bind("books.status", String.class));

    /** Every statement of this repository, for the dialect test. */
    public static final List<Statement> STATEMENTS = List.of(SECURITIES, ACCOUNTS, BOOKS, VERSION, UPSERT_SECURITY,
            UPSERT_ACCOUNT, UPSERT_BOOK);

    /**
     * T-SQL upsert: the update, then the insert when it touched nothing, and one result row saying
     * which ({@code MERGE} is avoided: its races on SQL Server are documented). Two sessions inserting
     * the same new id meet on the primary key; the loser runs again as an update
     * ({@link StoreStatements#upsert}).
     */
    private static String upsert(String update, String insert) {
        return "SET NOCOUNT ON; DECLARE @created BIT = 0; " + update + "; IF @@ROWCOUNT = 0 BEGIN " + insert
                + "; SET @created = 1; END; SELECT @created AS created; SET NOCOUNT OFF";
    }

    private static final String ACTIVE = "ACTIVE";
    private static final String INACTIVE = "INACTIVE";

    private final StoreStatements store;

    public ReferenceDataRepository(StoreStatements store) {
        this.store = store;
    }

    /** The version of the reference data in the database: it changes with every write to it. */
    public Uni<Long> version() {
        return store.run(VERSION).map(rows -> rows.iterator().next().getLong(0));
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
        return write(UPSERT_SECURITY, s.securityId(), s.isin(), s.ric(), s.currency(), s.assetClass(), s.exchange(),
                status(s.active()));
    }

    public Uni<Boolean> put(Account a) {
        return write(UPSERT_ACCOUNT, a.accountId(), a.legalEntity(), a.region(), a.spreadBps(), a.tenorMonths(),
                a.resetFrequency(), a.straightThrough(), status(a.active()), a.dayCount(), a.maxTradeNotional());
    }

    public Uni<Boolean> put(Book b) {
        return write(UPSERT_BOOK, b.bookId(), b.desk(), b.legalEntity(), status(b.active()));
    }

    private Uni<Boolean> write(Statement statement, Object... values) {
        return store.upsert(statement, values)
                .map(rows -> rows.iterator().next().getBoolean("created"));
    }

    private static String status(boolean active) {
        return active ? ACTIVE : INACTIVE;
    }

    private <T> Uni<Map<String, T>> load(Statement statement, Function<Row, T> from, Function<T, String> id) {
        return store.run(statement).map(rows -> {
            Map<String, T> byId = new HashMap<>();
            for (Row row : rows) {
                T item = from.apply(row);
                byId.put(id.apply(item), item);
            }
            return Map.copyOf(byId);
        });
    }
}
