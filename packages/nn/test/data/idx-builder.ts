// Builds IDX buffers by hand (big-endian header and values), for the IDX and MNIST tests.
export function idxBytes(typeCode: number, shape: number[], values: number[]): Uint8Array {
  const width = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[typeCode] ?? 1;
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length * width);
  const dv = new DataView(out.buffer);
  out[2] = typeCode;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    dv.setUint32(4 + 4 * i, d, false);
  });
  values.forEach((v, i) => {
    const at = header + i * width;
    if (typeCode === 0x08) dv.setUint8(at, v);
    else if (typeCode === 0x09) dv.setInt8(at, v);
    else if (typeCode === 0x0b) dv.setInt16(at, v, false);
    else if (typeCode === 0x0c) dv.setInt32(at, v, false);
    else if (typeCode === 0x0d) dv.setFloat32(at, v, false);
    else dv.setFloat64(at, v, false);
  });
  return out;
}
