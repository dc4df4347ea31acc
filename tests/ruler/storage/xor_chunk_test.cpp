#include "ruler/storage/xor_chunk.hpp"

#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <random>

using stackwatch::promql::Sample;
using stackwatch::promql::stale_marker;
using stackwatch::promql::Timestamp;
using stackwatch::storage::XorChunk;
using stackwatch::storage::XorHeadChunk;

namespace {

std::uint64_t bits(double v) {
    return std::bit_cast<std::uint64_t>(v);
}

// Every sample back, value bits included, in order.
void check_round_trip(const std::vector<Sample>& samples) {
    XorHeadChunk head;
    for (const auto& s : samples) head.append(s.t, s.v);
    std::vector<Sample> out;
    head.decode(std::numeric_limits<Timestamp>::min(), std::numeric_limits<Timestamp>::max(), out);
    BOOST_TEST_REQUIRE(out.size() == samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        BOOST_TEST_CONTEXT("sample " << i) {
            BOOST_TEST(out[i].t == samples[i].t);
            BOOST_TEST(bits(out[i].v) == bits(samples[i].v));
        }
    }
}

// Deltas of deltas on both sides of each bucket's bounds (14, 17 and 20 bits signed) and far
// beyond them.
const std::vector<std::int64_t> kDodEdges = {0,
                                             1,
                                             -1,
                                             8191,
                                             -8192,
                                             8192,
                                             -8193,
                                             65535,
                                             -65536,
                                             65536,
                                             -65537,
                                             524287,
                                             -524288,
                                             524288,
                                             -524289,
                                             std::int64_t{1} << 40,
                                             -(std::int64_t{1} << 40)};

}  // namespace

BOOST_AUTO_TEST_SUITE(xor_chunk)

BOOST_AUTO_TEST_CASE(deltas_of_deltas_at_every_bucket_bound_round_trip) {
    for (auto dod : kDodEdges) {
        BOOST_TEST_CONTEXT("dod " << dod) {
            // Deltas alternate between base and base + dod, so the deltas of deltas are dod and
            // -dod in turn, and every delta stays positive.
            const std::int64_t base = 15'000 + (dod < 0 ? -dod : 0);
            std::vector<Sample> samples;
            Timestamp t = 1'700'000'000'000;
            for (int i = 0; i < 8; ++i) {
                samples.push_back({t, static_cast<double>(i)});
                t += i % 2 == 0 ? base : base + dod;
            }
            check_round_trip(samples);
        }
    }
}

BOOST_AUTO_TEST_CASE(extreme_timestamps_round_trip) {
    constexpr auto lowest = std::numeric_limits<Timestamp>::min();
    constexpr auto highest = std::numeric_limits<Timestamp>::max();
    check_round_trip({{lowest, 1}, {lowest + 1, 2}, {0, 3}, {highest - 1, 4}, {highest, 5}});
    check_round_trip({{-5000, 1}, {-4000, 1}, {-1, 1}, {0, 1}});
}

BOOST_AUTO_TEST_CASE(special_values_keep_their_bits) {
    constexpr auto inf = std::numeric_limits<double>::infinity();
    std::vector<double> values = {
        0.0, -0.0, inf, -inf, std::numeric_limits<double>::quiet_NaN(), stale_marker(),
        std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(),
        std::numeric_limits<double>::lowest(), 1.0, 1.0, stale_marker(),
        std::bit_cast<double>(~std::uint64_t{0}), std::bit_cast<double>(std::uint64_t{1}),
        std::bit_cast<double>(std::uint64_t{1} << 63),
        // XORs with 32 or more leading zeros, past what five bits count.
        1.0, std::nextafter(1.0, 2.0), std::bit_cast<double>(bits(1.0) | 0xffff'ffffu),
        std::bit_cast<double>(bits(1.0) | 0x1'0000'0000u)};
    std::vector<Sample> samples;
    for (std::size_t i = 0; i < values.size(); ++i)
        samples.push_back({static_cast<Timestamp>(i) * 1000, values[i]});
    check_round_trip(samples);
}

BOOST_AUTO_TEST_CASE(random_series_round_trip) {
    std::mt19937_64 random(20261207);
    std::uniform_int_distribution<int> kind(0, 5);
    std::uniform_int_distribution<std::int64_t> jitter(-2'000'000, 2'000'000);
    for (int round = 0; round < 300; ++round) {
        std::vector<Sample> samples;
        Timestamp t = static_cast<Timestamp>(random() >> 2) - (std::int64_t{1} << 61);
        double v = 0;
        for (std::uint16_t i = 0; i < XorHeadChunk::kMaxSamples; ++i) {
            switch (kind(random)) {
                case 0:
                    break;  // the same value again
                case 1:
                    v += static_cast<double>(random() % 20);
                    break;
                case 2:
                    v = std::bit_cast<double>(random());
                    break;
                case 3:
                    v = static_cast<double>(random() % 1000) / 7.0;
                    break;
                case 4:
                    v = std::bit_cast<double>(bits(v) ^ (random() >> (32 + random() % 32)));
                    break;
                default:
                    v = stale_marker();
                    break;
            }
            samples.push_back({t, v});
            t += std::max<std::int64_t>(1, 15'000 + (kind(random) == 0 ? jitter(random) : 0));
        }
        BOOST_TEST_CONTEXT("round " << round) {
            check_round_trip(samples);
        }
    }
}

BOOST_AUTO_TEST_CASE(decode_keeps_only_the_asked_range) {
    XorHeadChunk head;
    for (int i = 0; i < 100; ++i) head.append(i * 1000, i);
    std::vector<Sample> out;
    head.decode(10'000, 19'500, out);
    BOOST_TEST_REQUIRE(out.size() == 10u);
    BOOST_TEST(out.front().t == 10'000);
    BOOST_TEST(out.back().v == 19);
    out.clear();
    head.decode(200'000, 300'000, out);
    BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_CASE(reads_of_the_newest_samples_start_at_a_checkpoint_and_match_full_reads) {
    XorHeadChunk head;
    auto value = [](int i) { return i % 5 == 0 ? 7.0 : i * i * 1.37; };
    for (int i = 0; i < 100; ++i) head.append(i * 1000, value(i));
    // Checkpoints sit at samples 32, 64 and 96; the last is used once mint passes sample 95.
    for (Timestamp mint : {0, 63'500, 64'000, 94'000, 95'000, 95'500, 96'000, 97'000, 99'000}) {
        BOOST_TEST_CONTEXT("mint " << mint) {
            std::vector<Sample> out;
            head.decode(mint, 1'000'000, out);
            const auto first = static_cast<int>((mint + 999) / 1000);
            BOOST_TEST_REQUIRE(out.size() == static_cast<std::size_t>(100 - first));
            BOOST_TEST(head.samples_from(mint) >= out.size());
            for (std::size_t i = 0; i < out.size(); ++i) {
                BOOST_TEST(out[i].t == (first + static_cast<int>(i)) * 1000);
                BOOST_TEST(out[i].v == value(first + static_cast<int>(i)));
            }
        }
    }
    BOOST_TEST(head.samples_from(97'000) == 4u);
    BOOST_TEST(head.samples_from(95'000) == 100u);
}

BOOST_AUTO_TEST_CASE(a_cut_chunk_holds_what_the_head_held_and_the_head_starts_again) {
    XorHeadChunk head;
    for (int i = 0; i < XorHeadChunk::kMaxSamples; ++i) head.append(i * 15'000, i * 3.5);
    BOOST_TEST(head.full());
    XorChunk chunk = head.cut();
    BOOST_TEST(chunk.samples() == XorHeadChunk::kMaxSamples);
    BOOST_TEST(chunk.max_time() == (XorHeadChunk::kMaxSamples - 1) * 15'000);
    // The head still knows its last sample, for the store's order checks.
    BOOST_TEST(head.samples() == 0u);
    BOOST_TEST(head.last_time() == chunk.max_time());
    BOOST_TEST(head.last_value() == (XorHeadChunk::kMaxSamples - 1) * 3.5);

    head.append(chunk.max_time() + 1, -1);
    std::vector<Sample> out;
    chunk.decode(0, std::numeric_limits<Timestamp>::max(), out);
    head.decode(0, std::numeric_limits<Timestamp>::max(), out);
    BOOST_TEST_REQUIRE(out.size() == XorHeadChunk::kMaxSamples + 1u);
    BOOST_TEST(out[60].v == 60 * 3.5);
    BOOST_TEST(out.back().t == chunk.max_time() + 1);
    BOOST_TEST(out.back().v == -1);
}

BOOST_AUTO_TEST_CASE(regular_scrapes_cost_a_few_bits_a_sample) {
    XorHeadChunk constant;
    XorHeadChunk counter;
    double total = 0;
    for (int i = 0; i < XorHeadChunk::kMaxSamples; ++i) {
        constant.append(1'700'000'000'000 + i * 15'000, 1);
        total += i % 7;
        counter.append(1'700'000'000'000 + i * 15'000, total);
    }
    const auto constant_bytes = constant.cut().memory_bytes() - sizeof(XorChunk);
    const auto counter_bytes = counter.cut().memory_bytes() - sizeof(XorChunk);
    // Two bits a sample after the first two: a zero delta of deltas and an unchanged value.
    BOOST_TEST(constant_bytes <= 17u + 2 + (XorHeadChunk::kMaxSamples - 2) * 2 / 8 + 1);
    BOOST_TEST(counter_bytes < 2u * XorHeadChunk::kMaxSamples);
}

BOOST_AUTO_TEST_SUITE_END()
