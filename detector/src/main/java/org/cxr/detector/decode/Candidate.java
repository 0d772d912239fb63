package org.cxr.detector.decode;

import org.cxr.imaging.Box;

/** A box a decoder read from the model output, in the model input's pixels, before NMS. */
public record Candidate(int classIndex, float score, Box box) {}
