package com.pb.synth.tradecapture.reference;

import com.pb.synth.tradecapture.domain.Account;
import com.pb.synth.tradecapture.domain.Book;
import com.pb.synth.tradecapture.domain.Security;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** Reads the reference tables whole: they are small (thousands of rows) and cached in process. */
@ApplicationScoped
public class ReferenceDataRepository {

    private static final String SECURITIES =
            "SELECT security_id, isin, ric, currency, asset_class, exchange, status FROM securities";
    private static final String ACCOUNTS = "SELECT account_id, legal_entity, region, spread_bps, tenor_months, "
            + "reset_frequency, straight_through, status FROM accounts";
    private static final String BOOKS = "SELECT book_id, desk, legal_entity, status FROM books";
    private static final String ACTIVE = "ACTIVE";

    private final Pool pool;

    public ReferenceDataRepository(Pool pool) {
        this.pool = pool;
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
                ACTIVE.equals(row.getString("status"))), Account::accountId);
    }

    public Uni<Map<String, Book>> books() {
        return load(BOOKS, row -> new Book(row.getString("book_id"), row.getString("desk"),
                row.getString("legal_entity"), ACTIVE.equals(row.getString("status"))), Book::bookId);
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
