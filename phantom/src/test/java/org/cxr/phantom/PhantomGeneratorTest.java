package org.cxr.phantom;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PhantomGeneratorTest
{
    private final PhantomGenerator generator = new PhantomGenerator();

    @Test
    void theSameSeedDrawsTheSameImage()
    {
        Phantom a = generator.generate(42);
        Phantom b = generator.generate(42);

        assertThat(a.width()).isEqualTo(b.width());
        assertThat(a.pixels()).isEqualTo(b.pixels());
        assertThat(a.findings()).isEqualTo(b.findings());
        assertThat(generator.generate(43).pixels()).isNotEqualTo(a.pixels());
    }

    @Test
    void sizesVaryAndEveryBoxLiesInsideItsImage()
    {
        Set<Integer> widths = new java.util.HashSet<>();
        for (int i = 0; i < 40; i++) {
            Phantom p = generator.generate(PhantomGenerator.imageSeed(7, i));
            widths.add(p.width());
            assertThat(p.width()).isBetween(640, 1024);
            assertThat(p.height()).isBetween(p.width(), (int) Math.round(p.width() * 1.25));
            for (Finding f : p.findings()) {
                assertThat(f.xMin()).isGreaterThanOrEqualTo(0);
                assertThat(f.yMin()).isGreaterThanOrEqualTo(0);
                assertThat(f.xMax()).isLessThanOrEqualTo(p.width());
                assertThat(f.yMax()).isLessThanOrEqualTo(p.height());
            }
        }
        assertThat(widths).hasSizeGreaterThan(30);
    }

    @Test
    void allFiveFindingsAppearAndSomePhantomsAreNormal()
    {
        Set<FindingClass> seen = EnumSet.noneOf(FindingClass.class);
        int normal = 0;
        for (int i = 0; i < 60; i++) {
            Phantom p = generator.generate(PhantomGenerator.imageSeed(3, i));
            p.findings().forEach(f -> seen.add(f.findingClass()));
            if (p.findings().isEmpty()) {
                normal++;
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(FindingClass.values());
        assertThat(normal).isPositive();
    }

    @Test
    void findingsShowInThePixels()
    {
        // A nodule is denser (brighter) than the lung around it.
        for (int i = 0; i < 100; i++) {
            Phantom p = generator.generate(PhantomGenerator.imageSeed(11, i));
            for (Finding f : p.findings()) {
                if (f.findingClass() == FindingClass.NODULE_MASS) {
                    double inside = meanOver(p, f.xMin() + f.width() * 0.35, f.yMin() + f.height() * 0.35, f.xMax() - f.width() * 0.35, f.yMax() - f.height() * 0.35);
                    double around = meanOver(p, f.xMax() + 2, f.yMin(), f.xMax() + 2 + f.width() * 0.3, f.yMax());
                    assertThat(inside).as("nodule in image %d", i).isGreaterThan(around);
                    return;
                }
            }
        }
        throw new AssertionError("no nodule in 100 phantoms");
    }

    @Test
    void imageSeedsAreDistinctPerIndex()
    {
        assertThat(IntStream.range(0, 1000).mapToLong(i -> PhantomGenerator.imageSeed(1, i)).distinct().count()).isEqualTo(1000);
    }

    private static double meanOver(Phantom p, double x0, double y0, double x1, double y1)
    {
        double sum = 0;
        int n = 0;
        for (int y = (int) y0; y < (int) y1; y++) {
            for (int x = (int) x0; x < Math.min(p.width(), (int) x1); x++) {
                sum += p.pixels()[y * p.width() + x];
                n++;
            }
        }
        return sum / n;
    }
}
