package org.cxr.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws synthetic frontal chest radiographs: body, lung fields, mediastinum, heart, aortic knob, ribs and clavicles,
 * with findings of the original detector's five classes and their true boxes. Size, position, contrast, exposure and
 * noise vary; the same seed always gives the same image.
 *
 * <p>Image coordinates: x to the right, y down; the patient's left is on the image's right, as on a PA film.
 */
public final class PhantomGenerator
{
    /** Probability that a phantom carries each finding; drawn independently, so some phantoms are normal. */
    private final double findingProbability;

    public PhantomGenerator()
    {
        this(0.35);
    }

    public PhantomGenerator(double findingProbability)
    {
        if (!(findingProbability >= 0 && findingProbability <= 1)) {
            throw new IllegalArgumentException("finding probability must be in [0, 1]");
        }
        this.findingProbability = findingProbability;
    }

    /** The seed of image {@code index} in a dataset of seed {@code datasetSeed}: images are independent of each other. */
    public static long imageSeed(long datasetSeed, long index)
    {
        long z = datasetSeed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public Phantom generate(long seed)
    {
        return new Drawing(new Random(seed), findingProbability).draw();
    }

    private static final class Drawing
    {
        private final Random random;
        private final double findingProbability;
        private final int width;
        private final int height;
        private final float[] attenuation;
        private final double centreX;
        private final double top;
        private final double halfWidth;
        private final double thoraxHeight;
        private final Ellipse rightLung;
        private final Ellipse leftLung;
        private final List<Finding> findings = new ArrayList<>();

        Drawing(Random random, double findingProbability)
        {
            this.random = random;
            this.findingProbability = findingProbability;
            width = 640 + random.nextInt(385);
            height = (int) Math.round(width * uniform(1.0, 1.25));
            attenuation = new float[width * height];
            centreX = width * clamp(0.5 + 0.025 * random.nextGaussian(), 0.43, 0.57);
            top = height * uniform(0.05, 0.11);
            halfWidth = width * uniform(0.35, 0.42);
            thoraxHeight = height * uniform(0.74, 0.83);
            // The right lung (image left) is the larger one: the heart sits on the left.
            rightLung = new Ellipse(centreX - halfWidth * 0.50, top + thoraxHeight * 0.47, halfWidth * 0.42, thoraxHeight * 0.45);
            leftLung = new Ellipse(centreX + halfWidth * 0.51, top + thoraxHeight * 0.48, halfWidth * 0.39, thoraxHeight * 0.43);
        }

        Phantom draw()
        {
            drawBody();
            drawLungs();
            drawMediastinum();
            drawHeart(present());
            drawAorticKnob(present());
            drawRibsAndClavicles();
            boolean ild = present();
            boolean infiltration = present();
            boolean nodule = present();
            Ellipse ildLung = random.nextBoolean() ? rightLung : leftLung;
            if (ild) {
                drawIld(ildLung);
            }
            if (infiltration) {
                drawInfiltration(ild ? otherLung(ildLung) : randomLung());
            }
            if (nodule) {
                int count = random.nextDouble() < 0.3 ? 2 : 1;
                for (int i = 0; i < count; i++) {
                    drawNodule();
                }
            }
            return new Phantom(width, height, expose(), findings);
        }

        private boolean present()
        {
            return random.nextDouble() < findingProbability;
        }

        private Ellipse randomLung()
        {
            return random.nextBoolean() ? rightLung : leftLung;
        }

        private Ellipse otherLung(Ellipse lung)
        {
            return lung == rightLung ? leftLung : rightLung;
        }

        private void drawBody()
        {
            double cy = top + thoraxHeight * 0.52;
            double rx = halfWidth * 1.2;
            double ry = thoraxHeight * 0.66;
            for (int y = 0; y < height; y++) {
                double dy = Math.abs((y - cy) / ry);
                for (int x = 0; x < width; x++) {
                    double dx = Math.abs((x - centreX) / rx);
                    double d = Math.pow(Math.pow(dx, 3) + Math.pow(dy, 3), 1.0 / 3.0);
                    attenuation[y * width + x] += (float) (0.42 * (1 - smoothstep(0.97, 1.03, d)));
                }
            }
        }

        private void drawLungs()
        {
            for (Ellipse lung : List.of(rightLung, leftLung)) {
                addEllipse(lung, (d, x, y) -> -0.27 * (1 - smoothstep(0.96, 1.04, d)) * (0.9 + 0.1 * d));
            }
        }

        private void drawMediastinum()
        {
            double half = halfWidth * 0.11;
            double start = top - thoraxHeight * 0.06;
            for (int y = Math.max(0, (int) start); y < height; y++) {
                for (int x = (int) Math.max(0, centreX - half * 1.5); x < Math.min(width, centreX + half * 1.5); x++) {
                    double d = Math.abs(x - centreX) / half;
                    attenuation[y * width + x] += (float) (0.10 * (1 - smoothstep(0.85, 1.15, d)));
                }
            }
        }

        private void drawHeart(boolean enlarged)
        {
            double ratio = enlarged ? uniform(0.54, 0.64) : uniform(0.34, 0.44);
            double rx = ratio * halfWidth;
            double ry = rx * uniform(0.62, 0.72);
            double cx = centreX + rx * 0.28;
            double cy = top + thoraxHeight * 0.90 - ry;
            Ellipse heart = new Ellipse(cx, cy, rx, ry);
            addEllipse(heart, (d, x, y) -> 0.24 * (1 - smoothstep(0.97, 1.03, d)));
            if (enlarged) {
                findings.add(heart.finding(FindingClass.CARDIOMEGALY, width, height));
            }
        }

        private void drawAorticKnob(boolean enlarged)
        {
            double radius = halfWidth * (enlarged ? uniform(0.11, 0.15) : uniform(0.055, 0.075));
            double cx = centreX + halfWidth * 0.17 + (enlarged ? radius * 0.45 : 0);
            double cy = top + thoraxHeight * 0.27;
            Ellipse knob = new Ellipse(cx, cy, radius, radius);
            addEllipse(knob, (d, x, y) -> 0.28 * Math.sqrt(Math.max(0, 1 - d * d)) + 0.04 * (1 - smoothstep(0.95, 1.05, d)));
            if (enlarged) {
                findings.add(knob.finding(FindingClass.AORTIC_ENLARGEMENT, width, height));
            }
        }

        private void drawRibsAndClavicles()
        {
            double thickness = thoraxHeight * uniform(0.018, 0.026);
            double spacing = thoraxHeight * uniform(0.078, 0.09);
            for (int side = -1; side <= 1; side += 2) {
                double medialX = centreX + side * halfWidth * 0.12;
                double reach = halfWidth * 0.95;
                for (int k = 0; k < 10; k++) {
                    double medialY = top + thoraxHeight * 0.05 + k * spacing;
                    double lift = thoraxHeight * uniform(0.05, 0.07);
                    double drop = thoraxHeight * uniform(0.07, 0.1);
                    drawBand(medialX, side, reach, thickness, 0.075,
                            t -> medialY - lift * Math.sin(Math.PI * t) + drop * t);
                }
                double clavicleY = top + thoraxHeight * 0.03;
                drawBand(centreX + side * halfWidth * 0.08, side, halfWidth * 0.7, thoraxHeight * 0.03, 0.12,
                        t -> clavicleY - thoraxHeight * 0.05 * t);
            }
        }

        /** A bright curved band running laterally from {@code medialX}; {@code centreLine} gives y for t in [0, 1]. */
        private void drawBand(double medialX, int side, double reach, double thickness, double strength, java.util.function.DoubleUnaryOperator centreLine)
        {
            int from = (int) Math.round(Math.min(medialX, medialX + side * reach));
            int to = (int) Math.round(Math.max(medialX, medialX + side * reach));
            for (int x = Math.max(0, from); x < Math.min(width, to); x++) {
                double t = Math.abs(x - medialX) / reach;
                double taper = 1 - smoothstep(0.85, 1.0, t);
                double yc = centreLine.applyAsDouble(t);
                int y0 = (int) Math.max(0, yc - thickness);
                int y1 = (int) Math.min(height - 1, yc + thickness);
                for (int y = y0; y <= y1; y++) {
                    double d = Math.abs(y - yc) / (thickness / 2);
                    attenuation[y * width + x] += (float) (strength * taper * (1 - smoothstep(0.8, 1.2, d)));
                }
            }
        }

        private void drawNodule()
        {
            double radius = halfWidth * uniform(0.035, 0.075);
            Ellipse nodule = placeInside(randomLung(), radius, radius, 0.0, 1.0);
            if (nodule == null) {
                return;
            }
            double strength = uniform(0.22, 0.34);
            addEllipse(nodule, (d, x, y) -> strength * Math.sqrt(Math.max(0, 1 - d * d)) + 0.05 * (1 - smoothstep(0.93, 1.05, d)));
            findings.add(nodule.finding(FindingClass.NODULE_MASS, width, height));
        }

        private void drawInfiltration(Ellipse lung)
        {
            Ellipse patch = placeInside(lung, halfWidth * uniform(0.12, 0.22), thoraxHeight * uniform(0.07, 0.14), 0.0, 1.0);
            if (patch == null) {
                return;
            }
            double strength = uniform(0.13, 0.2);
            ValueNoise noise = new ValueNoise(random, 6);
            addEllipse(patch, (d, x, y) -> strength * (1 - smoothstep(0.72, 1.0, d))
                    * (0.7 + 0.6 * noise.at((x - patch.cx()) / patch.rx(), (y - patch.cy()) / patch.ry())));
            findings.add(patch.finding(FindingClass.INFILTRATION, width, height));
        }

        private void drawIld(Ellipse lung)
        {
            // Interstitial disease favours the lower zones.
            Ellipse patch = placeInside(lung, halfWidth * uniform(0.14, 0.24), thoraxHeight * uniform(0.08, 0.15), 0.2, 1.0);
            if (patch == null) {
                return;
            }
            double period = halfWidth * uniform(0.025, 0.04);
            double angle = uniform(0, Math.PI);
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            double strength = uniform(0.11, 0.16);
            addEllipse(patch, (d, x, y) -> {
                double u = (x * cos + y * sin) / period;
                double v = (-x * sin + y * cos) / period;
                double line = Math.max(ridge(u), ridge(v));
                return strength * line * (1 - smoothstep(0.88, 1.0, d));
            });
            findings.add(patch.finding(FindingClass.ILD, width, height));
        }

        private static double ridge(double u)
        {
            double f = u - Math.floor(u);
            return Math.max(0, 1 - Math.abs(f - 0.5) * 5);
        }

        /**
         * A finding of radii {@code rx, ry} placed wholly inside the lung and clear of earlier findings, with its
         * centre's vertical position in [{@code fromY}, {@code toY}] of the lung's height; null when none fits.
         */
        private Ellipse placeInside(Ellipse lung, double rx, double ry, double fromY, double toY)
        {
            for (int attempt = 0; attempt < 200; attempt++) {
                double scale = attempt < 100 ? 1.0 : 0.75;
                double cx = lung.cx() + lung.rx() * uniform(-0.8, 0.8);
                double cy = lung.cy() - lung.ry() + 2 * lung.ry() * uniform(fromY, toY);
                Ellipse candidate = new Ellipse(cx, cy, rx * scale, ry * scale);
                if (lung.containsWithMargin(candidate, 0.93) && clearOfFindings(candidate)) {
                    return candidate;
                }
            }
            return null;
        }

        private boolean clearOfFindings(Ellipse candidate)
        {
            for (Finding f : findings) {
                if (candidate.cx() + candidate.rx() > f.xMin() && candidate.cx() - candidate.rx() < f.xMax()
                        && candidate.cy() + candidate.ry() > f.yMin() && candidate.cy() - candidate.ry() < f.yMax()) {
                    return false;
                }
            }
            return true;
        }

        private void addEllipse(Ellipse e, Profile profile)
        {
            int x0 = (int) Math.max(0, Math.floor(e.cx() - e.rx() * 1.1));
            int x1 = (int) Math.min(width - 1, Math.ceil(e.cx() + e.rx() * 1.1));
            int y0 = (int) Math.max(0, Math.floor(e.cy() - e.ry() * 1.1));
            int y1 = (int) Math.min(height - 1, Math.ceil(e.cy() + e.ry() * 1.1));
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    double d = e.distance(x + 0.5, y + 0.5);
                    if (d < 1.1) {
                        attenuation[y * width + x] += (float) profile.value(d, x, y);
                    }
                }
            }
        }

        /** Film response: contrast, exposure, gamma, a little blur, an exposure gradient and quantum noise. */
        private float[] expose()
        {
            double contrast = uniform(1.0, 1.5);
            double offset = uniform(-0.05, 0.08);
            double gamma = uniform(0.8, 1.25);
            double gradient = uniform(-0.06, 0.06);
            double noise = uniform(0.005, 0.025);
            float[] blurred = boxBlur(attenuation, width, height);
            float[] pixels = new float[width * height];
            for (int y = 0; y < height; y++) {
                double shade = gradient * (y / (double) height - 0.5);
                for (int x = 0; x < width; x++) {
                    double v = clamp(blurred[y * width + x] * contrast + offset + shade, 0, 1);
                    v = Math.pow(v, gamma) + noise * random.nextGaussian();
                    pixels[y * width + x] = (float) clamp(v, 0, 1);
                }
            }
            return pixels;
        }

        private static float[] boxBlur(float[] source, int width, int height)
        {
            float[] out = new float[source.length];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float sum = 0;
                    int n = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        int yy = y + dy;
                        if (yy < 0 || yy >= height) {
                            continue;
                        }
                        for (int dx = -1; dx <= 1; dx++) {
                            int xx = x + dx;
                            if (xx >= 0 && xx < width) {
                                sum += source[yy * width + xx];
                                n++;
                            }
                        }
                    }
                    out[y * width + x] = sum / n;
                }
            }
            return out;
        }

        private double uniform(double from, double to)
        {
            return from + (to - from) * random.nextDouble();
        }
    }

    @FunctionalInterface
    private interface Profile
    {
        /** Attenuation added at pixel (x, y), whose normalised distance from the shape's centre is d (1 on the rim). */
        double value(double d, int x, int y);
    }

    private record Ellipse(double cx, double cy, double rx, double ry)
    {
        double distance(double x, double y)
        {
            double dx = (x - cx) / rx;
            double dy = (y - cy) / ry;
            return Math.sqrt(dx * dx + dy * dy);
        }

        boolean containsWithMargin(Ellipse inner, double limit)
        {
            for (int i = 0; i < 16; i++) {
                double a = 2 * Math.PI * i / 16;
                if (distance(inner.cx + inner.rx * Math.cos(a), inner.cy + inner.ry * Math.sin(a)) > limit) {
                    return false;
                }
            }
            return true;
        }

        Finding finding(FindingClass findingClass, int width, int height)
        {
            return new Finding(findingClass,
                    clamp(cx - rx, 0, width), clamp(cy - ry, 0, height),
                    clamp(cx + rx, 0, width), clamp(cy + ry, 0, height));
        }
    }

    /** Smooth random texture: a coarse grid of random values, interpolated. */
    private static final class ValueNoise
    {
        private final int cells;
        private final double[] values;

        ValueNoise(Random random, int cells)
        {
            this.cells = cells;
            values = new double[(cells + 1) * (cells + 1)];
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextDouble();
            }
        }

        /** Value at normalised coordinates in [-1, 1]. */
        double at(double u, double v)
        {
            double gx = clamp((u + 1) / 2, 0, 1) * cells;
            double gy = clamp((v + 1) / 2, 0, 1) * cells;
            int ix = Math.min(cells - 1, (int) gx);
            int iy = Math.min(cells - 1, (int) gy);
            double fx = smoothstep(0, 1, gx - ix);
            double fy = smoothstep(0, 1, gy - iy);
            double a = values[iy * (cells + 1) + ix];
            double b = values[iy * (cells + 1) + ix + 1];
            double c = values[(iy + 1) * (cells + 1) + ix];
            double d = values[(iy + 1) * (cells + 1) + ix + 1];
            return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
        }
    }

    static double smoothstep(double edge0, double edge1, double x)
    {
        double t = clamp((x - edge0) / (edge1 - edge0), 0, 1);
        return t * t * (3 - 2 * t);
    }

    static double clamp(double v, double lo, double hi)
    {
        return Math.max(lo, Math.min(hi, v));
    }
}
