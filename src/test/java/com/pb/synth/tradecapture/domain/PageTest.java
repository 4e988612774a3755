package com.pb.synth.tradecapture.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PageTest {

    private static final List<Long> ORDINALS = LongStream.of(2, 3, 5, 8, 13, 21, 34).boxed().toList();

    private static Page<Long> page(long after, int limit) {
        return Page.of(ORDINALS, Long::longValue, after, limit);
    }

    @Test
    void pagesFollowTheCursorAndGiveEachItemOnce() {
        List<Long> seen = new ArrayList<>();
        Long after = 0L;
        int pages = 0;
        while (after != null) {
            Page<Long> p = page(after, 3);
            assertThat(p.total()).isEqualTo(7);
            seen.addAll(p.items());
            after = p.nextAfter();
            pages++;
        }
        assertThat(seen).isEqualTo(ORDINALS);
        assertThat(pages).isEqualTo(3);
        // a page that ends exactly at the last item has no next cursor
        assertThat(page(5, 4).items()).containsExactly(8L, 13L, 21L, 34L);
        assertThat(page(5, 4).nextAfter()).isNull();
        // a cursor between ordinals, and past the end
        assertThat(page(4, 1).items()).containsExactly(5L);
        assertThat(page(34, 10).items()).isEmpty();
        assertThat(page(34, 10).nextAfter()).isNull();
    }

    @Test
    void theFilterDecidesTheTotalAndTheLimitsAreKept() {
        Page<Long> odd = Page.of(ORDINALS, Long::longValue, x -> x % 2 == 1, 0, 2);
        assertThat(odd.items()).containsExactly(3L, 5L);
        assertThat(odd.total()).isEqualTo(4);
        assertThat(odd.nextAfter()).isEqualTo(5L);
        assertThat(page(0, Page.MAX_LIMIT).items()).hasSize(7);
        assertThatThrownBy(() -> page(0, Page.MAX_LIMIT + 1)).hasMessageContaining("1000");
        assertThatThrownBy(() -> page(0, 0)).hasMessageContaining("limit");
        assertThatThrownBy(() -> page(-1, 10)).hasMessageContaining("after");
    }
}
