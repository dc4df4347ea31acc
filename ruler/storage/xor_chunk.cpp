#include "ruler/storage/xor_chunk.hpp"

#include <bit>
#include <cstring>

#include "ruler/storage/bit_stream.hpp"

namespace stackwatch::storage {

using promql::Sample;
using promql::Timestamp;

namespace {

// A delta of deltas goes in the smallest of these signed widths it fits, behind a prefix of
// one bits; 64 bits take the rest.
struct DodBucket {
    std::uint64_t prefix;
    int prefix_bits;
    int value_bits;
};
constexpr DodBucket kDodBuckets[] = {{0b10, 2, 14}, {0b110, 3, 17}, {0b1110, 4, 20}};

bool fits_signed(std::int64_t value, int bits) {
    const std::int64_t limit = std::int64_t{1} << (bits - 1);
    return value >= -limit && value < limit;
}

std::int64_t sign_extend(std::uint64_t value, int bits) {
    const int shift = 64 - bits;
    return static_cast<std::int64_t>(value << shift) >> shift;
}

std::uint64_t zigzag(std::int64_t value) {
    return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

std::int64_t unzigzag(std::uint64_t value) {
    return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}

void decode_xor(const std::uint8_t* bytes, std::size_t size, std::uint16_t samples,
                const XorCursor& from, Timestamp mint, Timestamp maxt, std::vector<Sample>& out) {
    BitReader in(bytes, size, from.bit);
    // Timestamps are added modulo 2^64, as they were subtracted, so any int64 span decodes.
    auto t = static_cast<std::uint64_t>(from.time);
    std::uint64_t delta = from.delta;
    std::uint64_t bits = from.value_bits;
    int leading = from.leading;
    int significant = from.significant;
    for (std::uint16_t i = from.index; i < samples; ++i) {
        if (i == 0) {
            t = static_cast<std::uint64_t>(unzigzag(in.read_uvarint()));
            bits = in.read_wide(64);
        } else {
            if (i == 1) {
                delta = in.read_uvarint();
            } else {
                // The prefix is up to four one bits ended by a zero: its length is the count of
                // leading ones in the next four bits.
                const auto prefix = static_cast<std::uint32_t>(in.peek(4));
                const int bucket = std::countl_one(prefix << 28);
                in.skip(bucket == 4 ? 4 : bucket + 1);
                if (bucket == 4) {
                    delta += in.read_wide(64);
                } else if (bucket > 0) {
                    const int width = kDodBuckets[bucket - 1].value_bits;
                    delta += static_cast<std::uint64_t>(sign_extend(in.read(width), width));
                }
            }
            t += delta;

            // '0': the same value; '10': the previous window; '11': five bits of leading zeros
            // and six of window length, read with the control bits at once.
            const auto control = in.peek(13);
            if (control >> 12 == 0) {
                in.skip(1);
            } else {
                if (control >> 11 == 0b10) {
                    in.skip(2);
                } else {
                    in.skip(13);
                    leading = static_cast<int>((control >> 6) & 0x1f);
                    significant = static_cast<int>(control & 0x3f);
                    if (significant == 0) significant = 64;
                }
                const int trailing = 64 - leading - significant;
                bits ^= in.read_wide(significant) << trailing;
            }
        }
        const auto time = static_cast<Timestamp>(t);
        if (time > maxt) return;
        if (time >= mint) out.push_back(Sample{time, std::bit_cast<double>(bits)});
    }
}

}  // namespace

XorChunk::XorChunk(const std::vector<std::uint8_t>& bytes, std::uint16_t samples,
                   Timestamp max_time)
    : bytes_(std::make_unique_for_overwrite<std::uint8_t[]>(bytes.size())),
      size_(static_cast<std::uint32_t>(bytes.size())),
      samples_(samples),
      max_time_(max_time) {
    std::memcpy(bytes_.get(), bytes.data(), bytes.size());
}

void XorChunk::decode(Timestamp mint, Timestamp maxt, std::vector<Sample>& out) const {
    decode_xor(bytes_.get(), size_, samples_, XorCursor{}, mint, maxt, out);
}

double XorHeadChunk::last_value() const {
    return std::bit_cast<double>(last_value_bits_);
}

void XorHeadChunk::append(Timestamp t, double v) {
    if (samples_ > 0 && samples_ % kCheckpointEvery == 0) {
        checkpoint_ = XorCursor{
            .bit = static_cast<std::uint32_t>(bytes_.size() * 8 - free_bits_),
            .index = samples_,
            .leading = leading_ == kNoWindow ? std::uint8_t{0} : leading_,
            .significant =
                static_cast<std::uint8_t>(leading_ == kNoWindow ? 0 : 64 - leading_ - trailing_),
            .time = last_time_,
            .delta = last_delta_,
            .value_bits = last_value_bits_,
        };
    }
    BitWriter out(bytes_, free_bits_);
    const auto bits = std::bit_cast<std::uint64_t>(v);
    const auto time = static_cast<std::uint64_t>(t);
    if (samples_ == 0) {
        out.write_uvarint(zigzag(t));
        out.write(bits, 64);
    } else {
        const std::uint64_t delta = time - static_cast<std::uint64_t>(last_time_);
        if (samples_ == 1) {
            out.write_uvarint(delta);
        } else {
            const auto dod = static_cast<std::int64_t>(delta - last_delta_);
            if (dod == 0) {
                out.write_bit(false);
            } else {
                const DodBucket* bucket = nullptr;
                for (const auto& b : kDodBuckets)
                    if (fits_signed(dod, b.value_bits)) {
                        bucket = &b;
                        break;
                    }
                if (bucket != nullptr) {
                    out.write(bucket->prefix, bucket->prefix_bits);
                    out.write(static_cast<std::uint64_t>(dod), bucket->value_bits);
                } else {
                    out.write(0b1111, 4);
                    out.write(static_cast<std::uint64_t>(dod), 64);
                }
            }
        }
        last_delta_ = delta;

        const std::uint64_t x = bits ^ last_value_bits_;
        if (x == 0) {
            out.write_bit(false);
        } else {
            out.write_bit(true);
            // Five bits hold the leading zeros, so at most 31 of them are counted.
            const int leading = std::min(std::countl_zero(x), 31);
            const int trailing = std::countr_zero(x);
            if (leading_ != kNoWindow && leading >= leading_ && trailing >= trailing_) {
                out.write_bit(false);
                out.write(x >> trailing_, 64 - leading_ - trailing_);
            } else {
                leading_ = static_cast<std::uint8_t>(leading);
                trailing_ = static_cast<std::uint8_t>(trailing);
                const int significant = 64 - leading - trailing;
                out.write_bit(true);
                out.write(static_cast<std::uint64_t>(leading), 5);
                // 64 significant bits are written as 0, which no XOR of changed bits needs.
                out.write(static_cast<std::uint64_t>(significant & 63), 6);
                out.write(x >> trailing, significant);
            }
        }
    }
    last_time_ = t;
    last_value_bits_ = bits;
    ++samples_;
}

XorChunk XorHeadChunk::cut() {
    XorChunk chunk(bytes_, samples_, last_time_);
    bytes_ = {};
    samples_ = 0;
    free_bits_ = 0;
    leading_ = kNoWindow;
    trailing_ = 0;
    last_delta_ = 0;
    checkpoint_ = {};
    return chunk;
}

const XorCursor& XorHeadChunk::start_for(Timestamp mint) const {
    static const XorCursor chunk_start;
    // Every sample before the checkpoint is older than mint when the one just before it is.
    return checkpoint_.index > 0 && checkpoint_.time < mint ? checkpoint_ : chunk_start;
}

std::uint16_t XorHeadChunk::samples_from(Timestamp mint) const {
    return static_cast<std::uint16_t>(samples_ - start_for(mint).index);
}

void XorHeadChunk::decode(Timestamp mint, Timestamp maxt, std::vector<Sample>& out) const {
    decode_xor(bytes_.data(), bytes_.size(), samples_, start_for(mint), mint, maxt, out);
}

}  // namespace stackwatch::storage
