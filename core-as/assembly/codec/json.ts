// A JSON view of decoded values for hosts. Hosts read structures through this view (produced by
// the one codec, here) instead of parsing wire bytes a second time. Integers are written as
// decimal strings when they may exceed 2^53.

const HEX = "0123456789abcdef";

export class Json {
  private parts: string[] = [];
  private first: bool = true;

  private sep(): void {
    if (!this.first) this.parts.push(",");
    this.first = false;
  }

  private key(k: string): void {
    this.sep();
    this.parts.push('"' + k + '":');
  }

  begin(): Json {
    this.parts.push("{");
    this.first = true;
    return this;
  }

  end(): Json {
    this.parts.push("}");
    this.first = false;
    return this;
  }

  num(k: string, v: u64): Json {
    this.key(k);
    this.parts.push(v.toString());
    return this;
  }

  /** u64 as a string, so hosts parse it as a bigint-safe value. */
  big(k: string, v: u64): Json {
    this.key(k);
    this.parts.push('"' + v.toString() + '"');
    return this;
  }

  bool(k: string, v: bool): Json {
    this.key(k);
    this.parts.push(v ? "true" : "false");
    return this;
  }

  str(k: string, v: string): Json {
    this.key(k);
    this.parts.push(quote(v));
    return this;
  }

  hex(k: string, p: usize, len: usize): Json {
    this.key(k);
    this.parts.push('"' + toHex(p, len) + '"');
    return this;
  }

  hexBytes(k: string, b: Uint8Array): Json {
    return this.hex(k, b.dataStart, <usize>b.length);
  }

  /** Opens a nested object under key `k`. */
  obj(k: string): Json {
    this.key(k);
    this.parts.push("{");
    this.first = true;
    return this;
  }

  /** Opens an array under key `k`; items are added with item* and closed with endArray. */
  arr(k: string): Json {
    this.key(k);
    this.parts.push("[");
    this.first = true;
    return this;
  }

  itemHex(b: Uint8Array): Json {
    this.sep();
    this.parts.push('"' + toHex(b.dataStart, <usize>b.length) + '"');
    return this;
  }

  itemNum(v: u64): Json {
    this.sep();
    this.parts.push(v.toString());
    return this;
  }

  itemObj(): Json {
    this.sep();
    this.parts.push("{");
    this.first = true;
    return this;
  }

  endArray(): Json {
    this.parts.push("]");
    this.first = false;
    return this;
  }

  toString(): string {
    return this.parts.join("");
  }
}

export function toHex(p: usize, len: usize): string {
  const out = new Array<string>(<i32>len);
  for (let i: usize = 0; i < len; i++) {
    const b = load<u8>(p + i);
    out[<i32>i] = HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  }
  return out.join("");
}

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c < 0x20) out += "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}
