package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.Lot;
import com.pb.synth.tradecapture.domain.LotBook;
import com.pb.synth.tradecapture.domain.Trade;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps each key's lot book ({@link LotBook}) in the transaction that changes its trades, under the
 * key's row lock: new trades book after the key's last lot, loading only the oldest open lots they
 * relieve; a correction, cancel or rejection of a trade with lots re-flows the key from the book
 * before that trade's first lot. A key whose position predates the books has none until it is built
 * from its stored versions ({@link #build}): capture asks for that ({@link LotsNotBuiltException})
 * before it changes the key, and {@code LotBuilder} builds the rest in the background.
 */
@Singleton
public class LotKeeper {

    /** Oldest open lots read with a batch's books when its trades may relieve them. */
    static final int HEADS = 4;
    /** Further open lots read for a key at a time when its reliefs reach past those read. */
    static final int LOAD = 64;
    /** A re-flow of at least this many lots is logged with its time (a correction deep in a busy key). */
    static final int LARGE_REFLOW = 1_000;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LotKeeper.class);

    /**
     * A trade's new lots on its key: {@code booking} null when it is no longer live;
     * {@code mayHaveLots} when an earlier version of it is stored (it may have lots to replace).
     */
    public record Change(String key, String tradeId, LotBook.Booking booking, boolean mayHaveLots) {
    }

    private final LotRepository lots;
    private final LiveTrades live;
    private final Pool pool;
    private final PositionRepository positions;

    public LotKeeper(LotRepository lots, LiveTrades live, @CaptureStore Pool pool, PositionRepository positions) {
        this.lots = lots;
        this.live = live;
        this.pool = pool;
        this.positions = positions;
    }

    /** A booking's capture time as the lot tables keep it (milliseconds, as SQL Server's DATETIMEOFFSET(3)). */
    public static Instant at(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * The stored books of {@code trades}' keys, with the oldest open lots of those whose trades may
     * relieve them. Read with the batch's row locks held, so no other writer changes them.
     */
    public Uni<Map<String, LotRepository.KeyBook>> books(SqlConnection conn, Collection<Trade> trades) {
        Map<String, Integer> directions = new LinkedHashMap<>();
        for (Trade t : trades) {
            directions.merge(t.key().value(), direction(t), (a, b) -> a.equals(b) ? a : 0);
        }
        return lots.books(conn, directions, HEADS);
    }

    /** 1 when every lot of the trade buys, -1 when every lot sells, 0 when both or neither. */
    private static int direction(Trade t) {
        int dir = 2;
        for (Lot lot : t.lots()) {
            int s = t.side().sign(lot.quantity()).signum();
            if (s != 0) {
                dir = dir == 2 ? s : dir == s ? dir : 0;
            }
        }
        return dir == 2 ? 0 : dir;
    }

    /** The change capturing {@code trade} makes to its key's lots at {@code capturedAt}. */
    public static Change change(Trade trade, boolean live, boolean stored, Instant capturedAt) {
        return new Change(trade.key().value(), trade.tradeId(), live ? LotBook.Booking.of(trade.tradeId(), trade.side(),
                trade.lots(), at(capturedAt)) : null, stored);
    }

    /** Takes a trade that is no longer live (a rejected approval) out of its key's lots. */
    public Uni<Integer> remove(SqlConnection conn, String key, String tradeId, OffsetDateTime now) {
        return lots.books(conn, Map.of(key, 0), HEADS).flatMap(books -> keep(conn, books, Set.of(key),
                List.of(new Change(key, tradeId, null, true)), now));
    }

    /** One key's flow in the making. */
    private static final class KeyFlow {
        final String key;
        final LotBook.State start;
        final List<LotBook.Booking> bookings;
        final Long reflowFrom;
        final List<LotBook.LotRow> deque;
        boolean complete;
        LotBook.Flow flow;

        KeyFlow(String key, LotBook.State start, List<LotBook.Booking> bookings, Long reflowFrom,
                List<LotBook.LotRow> deque, boolean complete) {
            this.key = key;
            this.start = start;
            this.bookings = bookings;
            this.reflowFrom = reflowFrom;
            this.deque = new ArrayList<>(deque);
            this.complete = complete;
        }

        long upTo() {
            return reflowFrom == null ? start.lotCount() : reflowFrom - 1;
        }
    }

    /**
     * Books the changes (in the order made) into their keys' books and writes them. Fails with
     * {@link LotsNotBuiltException} before writing anything when a changed key has a stored position
     * ({@code positionKeys}) but no book yet.
     */
    public Uni<Integer> keep(SqlConnection conn, Map<String, LotRepository.KeyBook> books, Set<String> positionKeys,
                             List<Change> changes, OffsetDateTime now) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Map<String, LinkedHashMap<String, Change>> byKey = new LinkedHashMap<>();
        for (Change c : changes) {
            LinkedHashMap<String, Change> trades = byKey.computeIfAbsent(c.key(), k -> new LinkedHashMap<>());
            Change earlier = trades.get(c.tradeId());
            // the trade keeps its place among the batch's changes; its newest lots count
            trades.put(c.tradeId(), earlier == null ? c : new Change(c.key(), c.tradeId(), c.booking(),
                    earlier.mayHaveLots()));
        }
        Set<String> notBuilt = new TreeSet<>();
        for (String key : byKey.keySet()) {
            if (!books.containsKey(key) && positionKeys.contains(key)) {
                notBuilt.add(key);
            }
        }
        if (!notBuilt.isEmpty()) {
            return Uni.createFrom().failure(new LotsNotBuiltException(notBuilt));
        }
        List<LotRepository.KeyTrade> candidates = new ArrayList<>();
        byKey.forEach((key, trades) -> trades.values().stream().filter(Change::mayHaveLots)
                .forEach(c -> candidates.add(new LotRepository.KeyTrade(key, c.tradeId()))));
        return lots.firstLots(conn, candidates).flatMap(firsts -> {
            List<KeyFlow> flows = new ArrayList<>();
            Uni<Void> reads = Uni.createFrom().voidItem();
            for (Map.Entry<String, LinkedHashMap<String, Change>> e : byKey.entrySet()) {
                String key = e.getKey();
                Map<String, LotBook.Booking> replaced = new LinkedHashMap<>();
                List<LotBook.Booking> appended = new ArrayList<>();
                long from = Long.MAX_VALUE;
                for (Change c : e.getValue().values()) {
                    Long first = firsts.get(new LotRepository.KeyTrade(key, c.tradeId()));
                    if (first != null) {
                        replaced.put(c.tradeId(), c.booking());
                        from = Math.min(from, first);
                    } else if (c.booking() != null) {
                        appended.add(c.booking());
                    }
                }
                LotRepository.KeyBook book = books.getOrDefault(key,
                        new LotRepository.KeyBook(LotBook.State.EMPTY, List.of(), true));
                if (replaced.isEmpty()) {
                    flows.add(new KeyFlow(key, book.state(), appended, null, book.heads(), book.complete()));
                    continue;
                }
                long a = from;
                reads = reads.flatMap(v -> reflow(conn, key, a, replaced, appended).invoke(flows::add).replaceWithVoid());
            }
            long started = System.nanoTime();
            return reads.flatMap(v -> flowAll(conn, flows, LOAD)).flatMap(v -> {
                LotRepository.Writes writes = new LotRepository.Writes();
                for (KeyFlow f : flows) {
                    writes.add(f.key, f.flow, f.reflowFrom, f.start.reliefCount(), now);
                }
                return lots.write(conn, writes).invoke(n -> {
                    for (KeyFlow f : flows) {
                        if (f.reflowFrom != null && f.flow.lots().size() >= LARGE_REFLOW) {
                            LOG.infof("re-flowed %d lots of %s from lot %d (%d reliefs) in %d ms", f.flow.lots().size(),
                                    f.key, f.reflowFrom, f.flow.reliefs().size(), (System.nanoTime() - started) / 1_000_000);
                        }
                    }
                });
            });
        });
    }

    /** A key's re-flow from lot {@code from}: the book before it, its lots from there, the open lots it reaches. */
    private Uni<KeyFlow> reflow(SqlConnection conn, String key, long from, Map<String, LotBook.Booking> replaced,
                                List<LotBook.Booking> appended) {
        return lots.stateAfter(conn, key, from - 1).flatMap(start -> lots.tail(conn, key, from).flatMap(tail ->
                lots.relievedUpTo(conn, key, start.reliefCount(), from).flatMap(upTo -> {
                    List<LotBook.Booking> bookings = LotBook.rebook(tail, replaced, appended);
                    if (start.headOrdinal() == 0 || upTo < start.headOrdinal()) {
                        return Uni.createFrom().item(new KeyFlow(key, start, bookings, from, List.of(),
                                start.headOrdinal() == 0));
                    }
                    // the open lots the replaced reliefs reached: their stored state may change back
                    int count = (int) Math.min(Integer.MAX_VALUE - 1, upTo - start.headOrdinal() + 1);
                    return lots.load(conn, List.of(new LotRepository.Load(key, start.headOrdinal() - 1, upTo)), count)
                            .map(loaded -> {
                                List<LotBook.LotRow> deque = loaded.getOrDefault(key, List.of());
                                return new KeyFlow(key, start, bookings, from, deque,
                                        deque.size() == start.openLotCount());
                            });
                })));
    }

    /** Flows every key, loading more open lots for those that ask, {@code limit} more each round and growing. */
    private Uni<Void> flowAll(SqlConnection conn, List<KeyFlow> flows, int limit) {
        List<LotRepository.Load> needs = new ArrayList<>();
        Map<String, KeyFlow> byKey = new LinkedHashMap<>();
        for (KeyFlow f : flows) {
            if (f.flow != null && f.flow.complete()) {
                continue;
            }
            f.flow = LotBook.flow(f.start, f.deque, f.complete, f.bookings);
            if (!f.flow.complete()) {
                needs.add(new LotRepository.Load(f.key, f.flow.needAfter(), f.upTo()));
                byKey.put(f.key, f);
            }
        }
        if (needs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return lots.load(conn, needs, limit).flatMap(loaded -> {
            byKey.forEach((key, f) -> {
                List<LotBook.LotRow> more = loaded.getOrDefault(key, List.of());
                f.deque.addAll(more);
                f.complete = more.size() < limit || f.deque.size() >= f.start.openLotCount();
            });
            return flowAll(conn, flows, Math.min(limit * 4, 100_000));
        });
    }

    /**
     * Builds a key's book from its stored versions, once: in its own transaction, under the position's
     * row lock (so capture and a second builder wait), unless the key has one by then. Safe without
     * the key's partition lock: what it reads is committed and no writer changes it meanwhile.
     * Returns true when it built the book.
     */
    public Uni<Boolean> build(String key) {
        return pool.withTransaction(conn -> positions.lockAll(conn, List.of(key)).flatMap(locked -> {
            if (!locked.containsKey(key)) {
                return Uni.createFrom().item(false);
            }
            return lots.state(conn, key).flatMap(state -> state != null ? Uni.createFrom().item(false)
                    : live.read(conn, key).flatMap(trades -> {
                        List<LotBook.Booking> bookings = new ArrayList<>(trades.size());
                        Instant epoch = Instant.EPOCH;
                        for (FifoLots.TradeLots t : trades) {
                            bookings.add(LotBook.Booking.of(t.tradeId(), t.side(), t.lots(),
                                    at(t.capturedAt() == null ? epoch : t.capturedAt())));
                        }
                        LotBook.Flow flow = LotBook.flow(LotBook.State.EMPTY, List.of(), true, bookings);
                        LotRepository.Writes writes = new LotRepository.Writes();
                        writes.add(key, flow, null, 0, OffsetDateTime.now(ZoneOffset.UTC));
                        return lots.write(conn, writes).replaceWith(true);
                    }));
        }));
    }

    /** Builds the books of {@code keys}, one after the other. */
    public Uni<Void> buildAll(Collection<String> keys) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (String key : keys) {
            all = all.flatMap(v -> build(key).replaceWithVoid());
        }
        return all;
    }
}
