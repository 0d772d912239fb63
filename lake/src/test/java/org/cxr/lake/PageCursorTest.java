package org.cxr.lake;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageCursorTest
{
    @Test
    void survivesATripThroughAUrl()
    {
        PageCursor cursor = new PageCursor(Instant.parse("2031-01-02T03:04:05.123456Z"), 42);

        assertThat(PageCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void refusesATokenItDidNotMake()
    {
        assertThatThrownBy(() -> PageCursor.decode("1 OR 1=1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PageCursor.decode("2031-01-02T03:04:05Z_x")).isInstanceOf(IllegalArgumentException.class);
    }
}
