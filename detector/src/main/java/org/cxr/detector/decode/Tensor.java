package org.cxr.detector.decode;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/** A model output copied out of ONNX Runtime: its shape and its values as floats, row-major. */
public record Tensor(long[] shape, float[] values)
{
    public Tensor
    {
        requireNonNull(shape, "shape");
        requireNonNull(values, "values");
        long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
        }
        shape = shape.clone();
    }

    public int rank()
    {
        return shape.length;
    }

    public int dim(int axis)
    {
        return (int) shape[axis];
    }

    @Override
    public String toString()
    {
        return "Tensor" + Arrays.toString(shape);
    }
}
