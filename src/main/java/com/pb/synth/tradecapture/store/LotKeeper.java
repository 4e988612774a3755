package com.pb.synth.tradecapture.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.LotBook;
import com.pb.synth.tradecapture.domain.Trade;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
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
 * Keeps each key's lot book ({@link LotBook}) behind capture. Capture queues each change it makes to a
 * key's lots ({@link #queueRow}: the trade's lots as its newest version has them, or none when it is no
 * longer live) in its own transaction, and never reads or writes a book; {@link #book} then books what
 * is queued for a set of keys in one transaction, under their books' row locks: new trades after each
 * key's last lot, loading only the oldest open lots they relieve; a change to a trade already booked
 * re-flows the key from the checkpoint before that trade's first lot. Booking a change twice books it
 * once (a trade found in the book is rebooked in its place), so a crash between booking and
 * dequeueing, or a build that already took a change in, costs nothing. A key whose position predates
 * the books has none until it is built from its stored versions ({@link #build}).
 */
@Singleton
public class LotKeeper {

    /** Oldest open lots read with a round's books when its trades may relieve them. */
    static final int HEADS = 4;
    /**
     * Further open lots read for a key when its reliefs reach past those read, four times as many each
     * round after (a key can hold thousands of open lots; most reliefs reach one or two).
     */
    static final int LOAD = 8;
    /** A re-flow of at least this many lots is logged with its time (a correction deep in a busy key). */
    static final int LARGE_REFLOW = 1_000;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(LotKeeper.class);

    /** A trade's new lots on its key: {@code booking} null when it is no longer live. */
    public record Change(String key, String tradeId, LotBook.Booking booking) {
    }

    private final LotRepository lots;
    private final LiveTrades live;
    private final Pool pool;
    private final ObjectMapper mapper;

    public LotKeeper(LotRepository lots, LiveTrades live, @CaptureStore Pool pool, ObjectMapper mapper) {
        this.lots = lots;
        this.live = live;
        this.pool = pool;
        this.mapper = mapper;
    }

    /** A booking's capture time as the lot tables keep it (milliseconds, as SQL Server's DATETIMEOFFSET(3)). */
    public static Instant at(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The keys' stored books (absent: none) and the first lot of each changed trade that has lots. */
    public record Books(Map<String, LotRepository.KeyBook> books, Map<LotRepository.KeyTrade, Long> firsts) {
    }

    /**
     * The queue row ({@link CaptureTables#LOT_QUEUE}, {@code n}-th of its statement) of the change
     * capturing {@code trade} at {@code capturedAt} makes to its key's lots: its lots signed, as
     * {@code [[lotId, quantity, price], …]}, or null when it is not live.
     */
    public Object[] queueRow(int n, Trade trade, boolean live, Instant capturedAt) {
        String json = null;
        if (live) {
            LotBook.Booking b = LotBook.Booking.of(trade.tradeId(), trade.side(), trade.lots(), capturedAt);
            List<String[]> entries = new ArrayList<>(b.lots().size());
            for (LotBook.Entry e : b.lots()) {
                entries.add(new String[] {e.lotId(), e.quantity().toPlainString(), e.price().toPlainString()});
            }
            try {
                json = mapper.writeValueAsString(entries);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("lots of " + trade.tradeId() + " not written as JSON", e);
            }
        }
        return new Object[] {n, trade.key().value(), trade.tradeId(), json, at(capturedAt).atOffset(ZoneOffset.UTC)};
    }

    /** The queue row of a trade that is no longer live (a rejected approval), decided {@code at}. */
    public static Object[] removalRow(String key, String tradeId, Instant at) {
        return new Object[] {0, key, tradeId, null, at(at).atOffset(ZoneOffset.UTC)};
    }

    /** A queued change as a change to book. */
    Change change(LotRepository.Queued q) {
        if (q.lots() == null) {
            return new Change(q.key(), q.tradeId(), null);
        }
        String[][] entries;
        try {
            entries = mapper.readValue(q.lots(), String[][].class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("queued lots of " + q.tradeId() + " on " + q.key() + " unreadable", e);
        }
        List<LotBook.Entry> list = new ArrayList<>(entries.length);
        for (String[] e : entries) {
            list.add(new LotBook.Entry(e[0], new BigDecimal(e[1]), new BigDecimal(e[2])));
        }
        return new Change(q.key(), q.tradeId(), new LotBook.Booking(q.tradeId(), q.at(), list));
    }

    /** 1 when every lot of the changes buys, -1 when every lot sells, 0 when both or neither. */
    private static int direction(int dir, Change c) {
        if (c.booking() == null) {
            return 0;
        }
        for (LotBook.Entry e : c.booking().lots()) {
            int s = e.quantity().signum();
            if (s != 0) {
                dir = dir == 2 ? s : dir == s ? dir : 0;
            }
        }
        return dir;
    }

    /**
     * What one round of booking did: the keys asked for that have no book yet (to {@link #build}), and
     * those with more queued than the round took.
     */
    public record Booked(Set<String> unbuilt, Set<String> more, int changes) {
    }

    /**
     * Books the changes queued for {@code keys}, up to {@code perKey} a key, in the transaction of
     * {@code conn}: locks the keys' books, reads their queues, books, writes the lots, reliefs and
     * states, and deletes what it booked.
     */
    public Uni<Booked> book(SqlConnection conn, Collection<String> keys, int perKey, Instant now) {
        return lots.lock(conn, keys).flatMap(locked -> {
            Set<String> unbuilt = new TreeSet<>(keys);
            unbuilt.removeAll(locked);
            return lots.queued(conn, locked, perKey).flatMap(queued -> {
                Set<String> more = new TreeSet<>();
                List<Change> changes = new ArrayList<>();
                Map<String, Integer> directions = new LinkedHashMap<>();
                Map<String, Long> upTo = new LinkedHashMap<>();
                List<LotRepository.KeyTrade> ids = new ArrayList<>();
                for (Map.Entry<String, List<LotRepository.Queued>> e : queued.entrySet()) {
                    List<LotRepository.Queued> list = e.getValue();
                    if (list.size() >= perKey) {
                        more.add(e.getKey());
                    }
                    int dir = 2;
                    for (LotRepository.Queued q : list) {
                        Change c = change(q);
                        changes.add(c);
                        dir = direction(dir, c);
                        ids.add(new LotRepository.KeyTrade(q.key(), q.tradeId()));
                    }
                    directions.put(e.getKey(), dir == 2 ? 0 : dir);
                    upTo.put(e.getKey(), list.get(list.size() - 1).seq());
                }
                if (changes.isEmpty()) {
                    return Uni.createFrom().item(new Booked(unbuilt, more, 0));
                }
                OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
                return Uni.combine().all().unis(lots.books(conn, directions, HEADS), lots.firstLots(conn, ids))
                        .with(Books::new)
                        .flatMap(books -> plan(conn, books, changes))
                        .flatMap(writes -> Uni.combine().all().unis(lots.write(conn, writes),
                                lots.saveStates(conn, writes.states(), at), lots.dequeue(conn, upTo))
                                .with((written, states, dequeued) -> new Booked(unbuilt, more, changes.size())));
            });
        });
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
        LotRepository.Reflow stored;

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
     * Books the changes (in the order made) into their keys' books: the lots and reliefs to write and
     * each key's state after them. Reads only when a re-flow or a relief reaching past the
     * open lots read with {@code stored} needs more (in the common case it reads nothing). Every changed
     * key has its book in {@code stored}.
     */
    Uni<LotRepository.Writes> plan(SqlConnection conn, Books stored, List<Change> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().item(LotRepository.Writes.NONE);
        }
        Map<String, LotRepository.KeyBook> books = stored.books();
        Map<String, LinkedHashMap<String, Change>> byKey = new LinkedHashMap<>();
        for (Change c : changes) {
            LinkedHashMap<String, Change> trades = byKey.computeIfAbsent(c.key(), k -> new LinkedHashMap<>());
            // the trade keeps its place among the round's changes and its first capture; its newest lots count
            trades.merge(c.tradeId(), c, (first, newest) -> first.booking() == null || newest.booking() == null
                    ? newest : new Change(newest.key(), newest.tradeId(), new LotBook.Booking(newest.tradeId(),
                    first.booking().at(), newest.booking().lots())));
        }
        for (String key : byKey.keySet()) {
            if (!books.containsKey(key)) {
                throw new IllegalStateException("lots changed on " + key + ", which has no book");
            }
        }
        List<KeyFlow> flows = new ArrayList<>();
        Map<String, Long> froms = new LinkedHashMap<>();
        Map<String, Map<String, LotBook.Booking>> replacedByKey = new LinkedHashMap<>();
        Map<String, List<LotBook.Booking>> appendedByKey = new LinkedHashMap<>();
        for (Map.Entry<String, LinkedHashMap<String, Change>> e : byKey.entrySet()) {
            String key = e.getKey();
            Map<String, LotBook.Booking> replaced = new LinkedHashMap<>();
            List<LotBook.Booking> appended = new ArrayList<>();
            long from = Long.MAX_VALUE;
            for (Change c : e.getValue().values()) {
                Long first = stored.firsts().get(new LotRepository.KeyTrade(key, c.tradeId()));
                if (first != null) {
                    replaced.put(c.tradeId(), c.booking());
                    from = Math.min(from, first);
                } else if (c.booking() != null) {
                    appended.add(c.booking());
                }
            }
            if (replaced.isEmpty()) {
                LotRepository.KeyBook book = books.get(key);
                flows.add(new KeyFlow(key, book.state(), appended, null, book.heads(), book.complete()));
            } else {
                // from the checkpoint before the first lot that changes: the state stored there
                froms.put(key, LotBook.reflowStart(from));
                replacedByKey.put(key, replaced);
                appendedByKey.put(key, appended);
            }
        }
        long started = System.nanoTime();
        Uni<Void> reflows = froms.isEmpty() ? Uni.createFrom().voidItem()
                : reflows(conn, froms, replacedByKey, appendedByKey).invoke(flows::addAll).replaceWithVoid();
        return reflows.flatMap(v -> flowAll(conn, flows, LOAD)).map(v -> {
            LotRepository.Writes writes = new LotRepository.Writes();
            for (KeyFlow f : flows) {
                writes.add(f.key, f.flow, f.stored);
                if (f.reflowFrom != null && f.flow.lots().size() >= LARGE_REFLOW) {
                    LOG.infof("re-flowed %d lots of %s from lot %d (%d reliefs) in %d ms", f.flow.lots().size(),
                            f.key, f.reflowFrom, f.flow.reliefs().size(), (System.nanoTime() - started) / 1_000_000);
                }
            }
            return writes;
        });
    }

    /**
     * The re-flows of keys from their lots {@code froms}: the books before those lots and the lots and
     * reliefs from there (three statements sent together, whatever the number of keys). The open lots
     * before the start are loaded as the flows reach them, like a new trade's.
     */
    private Uni<List<KeyFlow>> reflows(SqlConnection conn, Map<String, Long> froms,
                                       Map<String, Map<String, LotBook.Booking>> replaced,
                                       Map<String, List<LotBook.Booking>> appended) {
        return lots.reflows(conn, froms).map(read -> {
            List<KeyFlow> flows = new ArrayList<>();
            for (Map.Entry<String, Long> e : froms.entrySet()) {
                String key = e.getKey();
                LotRepository.Reflow start = read.get(key);
                List<LotBook.Booking> bookings = LotBook.rebook(start.tail(), replaced.get(key), appended.get(key));
                LotBook.State s = start.start();
                KeyFlow flow = new KeyFlow(key, s, bookings, e.getValue(), List.of(), s.headOrdinal() == 0);
                flow.stored = start;
                flows.add(flow);
            }
            return flows;
        });
    }

    /** Lots booked in one batch past which the flows are computed on a worker thread, not the event loop. */
    static final int WORKER_BOOKINGS = 5_000;

    /** Flows every key, loading more open lots for those that ask, {@code limit} more each round and growing. */
    private Uni<Void> flowAll(SqlConnection conn, List<KeyFlow> flows, int limit) {
        int lots = 0;
        for (KeyFlow f : flows) {
            for (LotBook.Booking b : f.bookings) {
                lots += b.lots().size();
            }
        }
        // a re-flow deep in a busy key books its whole tail again (100,000 lots: ~0.5 s of CPU)
        Uni<List<LotRepository.Load>> flowed = Uni.createFrom().item(() -> flowOnce(flows));
        if (lots > WORKER_BOOKINGS) {
            flowed = flowed.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        return flowed.flatMap(needs -> {
            if (needs.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return loadMore(conn, flows, needs, limit);
        });
    }

    /** Flows the keys not flowed yet; the loads of those that need more open lots. */
    private static List<LotRepository.Load> flowOnce(List<KeyFlow> flows) {
        List<LotRepository.Load> needs = new ArrayList<>();
        for (KeyFlow f : flows) {
            if (f.flow != null && f.flow.complete()) {
                continue;
            }
            f.flow = LotBook.flow(f.start, f.deque, f.complete, f.bookings);
            if (!f.flow.complete()) {
                needs.add(new LotRepository.Load(f.key, f.flow.needAfter(), f.upTo()));
            }
        }
        return needs;
    }

    /** Loads more open lots for the keys that need them, then flows those keys again. */
    private Uni<Void> loadMore(SqlConnection conn, List<KeyFlow> flows, List<LotRepository.Load> needs, int limit) {
        Map<String, KeyFlow> byKey = new LinkedHashMap<>();
        flows.forEach(f -> byKey.put(f.key, f));
        return lots.load(conn, needs, limit).flatMap(loaded -> {
            for (LotRepository.Load need : needs) {
                KeyFlow f = byKey.get(need.key());
                List<LotBook.LotRow> more = loaded.getOrDefault(f.key, List.of());
                f.deque.addAll(more);
                f.complete = more.size() < limit || f.deque.size() >= f.start.openLotCount();
            }
            return flowAll(conn, flows, Math.min(limit * 4, 100_000));
        });
    }

    /**
     * Builds a key's book from its stored versions, once, in its own transaction: it claims the book
     * (inserts it empty; a second builder, here or on another instance, finds it there and leaves),
     * takes in what is queued so far, replays the key's live trades into it and dequeues what it took
     * in. Changes queued meanwhile are booked after it, like any (a trade already in the book is
     * rebooked in its place). Returns true when it built the book.
     */
    public Uni<Boolean> build(String key) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return pool.withTransaction(conn -> lots.newBooks(conn, List.of(key), now).flatMap(claimed -> {
            if (claimed == 0) {
                return Uni.createFrom().item(false);
            }
            // the queue's end first: every change queued up to it is in the versions read after it
            return lots.queueEnd(conn, key).flatMap(end -> live.read(conn, key).flatMap(trades -> {
                List<LotBook.Booking> bookings = new ArrayList<>(trades.size());
                Instant epoch = Instant.EPOCH;
                for (FifoLots.TradeLots t : trades) {
                    bookings.add(LotBook.Booking.of(t.tradeId(), t.side(), t.lots(),
                            at(t.capturedAt() == null ? epoch : t.capturedAt())));
                }
                LotBook.Flow flow = LotBook.flow(LotBook.State.EMPTY, List.of(), true, bookings);
                LotRepository.Writes writes = new LotRepository.Writes();
                writes.add(key, flow);
                return Uni.combine().all().unis(lots.write(conn, writes), lots.saveStates(conn, writes.states(), now),
                        lots.dequeue(conn, end == 0 ? Map.of() : Map.of(key, end))).with((w, s, d) -> true);
            }));
        }));
    }
}
