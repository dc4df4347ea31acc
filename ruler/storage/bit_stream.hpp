#pragma once
// Bit-granular writing and reading, most significant bit first, as the XOR chunks lay out their
// samples. The writer appends to a growing byte vector; the reader loads 64 bits around its
// position for each read, so a read of up to 56 bits costs one load and two shifts.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace stackwatch::storage {

class BitWriter {
  public:
    BitWriter(std::vector<std::uint8_t>& bytes, std::uint8_t& free_bits)
        : bytes_(bytes), free_bits_(free_bits) {}

    // The low `count` bits of value, 1 <= count <= 64.
    void write(std::uint64_t value, int count) {
        while (count > 0) {
            if (free_bits_ == 0) {
                grow();
                bytes_.push_back(0);
                free_bits_ = 8;
            }
            const int take = count < free_bits_ ? count : free_bits_;
            const auto part =
                static_cast<std::uint8_t>((value >> (count - take)) & ((1u << take) - 1));
            bytes_.back() |= static_cast<std::uint8_t>(part << (free_bits_ - take));
            free_bits_ = static_cast<std::uint8_t>(free_bits_ - take);
            count -= take;
        }
    }

    void write_bit(bool bit) { write(bit ? 1 : 0, 1); }

    void write_uvarint(std::uint64_t value) {
        while (value >= 0x80) {
            write((value & 0x7f) | 0x80, 8);
            value >>= 7;
        }
        write(value, 8);
    }

  private:
    // A head chunk grows by half its size rather than doubling, so a series' newest chunk wastes
    // little of what it reserves.
    void grow() {
        if (bytes_.size() < bytes_.capacity()) return;
        bytes_.reserve(bytes_.capacity() + (bytes_.capacity() < 32 ? 16 : bytes_.capacity() / 2));
    }

    std::vector<std::uint8_t>& bytes_;
    std::uint8_t& free_bits_;
};

class BitReader {
  public:
    BitReader(const std::uint8_t* data, std::size_t size, std::size_t position = 0)
        : data_(data), size_(size), position_(position) {}

    // 1 <= count <= 56; bits past the end read as zero.
    std::uint64_t read(int count) {
        const std::uint64_t value = peek(count);
        position_ += static_cast<std::size_t>(count);
        return value;
    }

    // The next count bits, 1 <= count <= 56, without moving past them.
    std::uint64_t peek(int count) const {
        const std::size_t byte = position_ >> 3;
        std::uint64_t word;
        // Eight bytes at once wherever the chunk has them, which is all but its last few.
        if (byte + 8 <= size_) {
            std::memcpy(&word, data_ + byte, 8);
            if constexpr (std::endian::native == std::endian::little)
                word = __builtin_bswap64(word);
        } else {
            word = 0;
            for (std::size_t i = 0; i < 8 && byte + i < size_; ++i)
                word |= static_cast<std::uint64_t>(data_[byte + i]) << (56 - 8 * i);
        }
        return (word << (position_ & 7)) >> (64 - count);
    }

    void skip(int count) { position_ += static_cast<std::size_t>(count); }

    // 1 <= count <= 64.
    std::uint64_t read_wide(int count) {
        if (count <= 56) return read(count);
        const std::uint64_t high = read(count - 32);
        return (high << 32) | read(32);
    }

    bool read_bit() { return read(1) != 0; }

    std::uint64_t read_uvarint() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const std::uint64_t byte = read(8);
            value |= (byte & 0x7f) << shift;
            if ((byte & 0x80) == 0) break;
        }
        return value;
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t position_;  // in bits
};

}  // namespace stackwatch::storage
