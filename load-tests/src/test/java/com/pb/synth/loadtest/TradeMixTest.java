package com.pb.synth.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TradeMixTest {

    @Test
    void upToTheDemoKeysNoBookIsCreated() {
        assertEquals(List.of(), TradeMix.extraBooks(1, List.of("us")));
        assertEquals(List.of(), TradeMix.extraBooks(10_000, List.of("us")));
    }

    @Test
    void oneKeyPastTheDemoKeysTakesOneMoreBook() {
        assertEquals(List.of("BOOK-11"), TradeMix.extraBooks(10_001, List.of("us")));
    }

    @Test
    void aHundredThousandKeysTakeAHundredBooksOfEveryAccount() {
        List<String> extra = TradeMix.extraBooks(100_000, List.of("us"));
        assertEquals(90, extra.size());
        assertEquals("BOOK-100", extra.get(extra.size() - 1));
        TradeMix mix = new TradeMix("T", 100_000, 0, 7, 3, List.of("us"), 1);
        Set<String> ids = new HashSet<>();
        mix.keys().forEach(k -> ids.add(k.id));
        assertEquals(100_000, ids.size());
        assertTrue(ids.contains("ACC-020_BOOK-100_JP3802400006"));
    }

    @Test
    void severalRegionsCountOnlyTheirOwnAccounts() {
        // us and emea hold 14 of the 20 accounts (ACC-001, 002, 004, 005, …): 700 keys a book
        assertEquals(10, TradeMix.books(7_000, List.of("us", "emea")));
        assertEquals(11, TradeMix.books(7_001, List.of("us", "emea")));
    }
}
