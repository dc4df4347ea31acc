#include "ruler/notify/time_interval.hpp"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "common/config.hpp"

using stackwatch::ConfigError;
using stackwatch::ConfigNode;
using stackwatch::notify::NamedTimeInterval;
using stackwatch::notify::parse_named_time_interval;
using stackwatch::notify::parse_time_interval;
using stackwatch::notify::parse_time_interval_lists;
using stackwatch::notify::TimeInterval;
using stackwatch::notify::TimeIntervalList;
using std::chrono::system_clock;

namespace {

TimeInterval interval(const std::string& yaml) {
    return parse_time_interval(ConfigNode::load_string(yaml, "am.yml"));
}

// The whole ConfigError text, or a marker that no error was raised.
template <typename Parse>
std::string error_of(const std::string& yaml, Parse parse) {
    try {
        parse(ConfigNode::load_string(yaml, "am.yml"));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}

std::string interval_error(const std::string& yaml) {
    return error_of(yaml, [](const ConfigNode& node) { parse_time_interval(node); });
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Each YAML is one interval that must be rejected with the message at the end of its error.
void check_rejections(const std::vector<std::pair<std::string, std::string>>& cases) {
    for (const auto& [yaml, message] : cases) {
        const std::string error = interval_error(yaml);
        BOOST_TEST_CONTEXT(yaml) {
            BOOST_TEST(ends_with(error, ": " + message), error);
            BOOST_TEST(error.starts_with("am.yml:1:"), error);
        }
    }
}

system_clock::time_point at(const std::string& zone_name, int year, int month, int day, int hour,
                            int minute, int second = 0) {
    cctz::time_zone zone;
    BOOST_REQUIRE(cctz::load_time_zone(zone_name, &zone));
    return cctz::convert(cctz::civil_second(year, month, day, hour, minute, second), zone);
}

system_clock::time_point utc(int year, int month, int day, int hour = 12, int minute = 0,
                             int second = 0) {
    return at("UTC", year, month, day, hour, minute, second);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(time_interval)

BOOST_AUTO_TEST_CASE(times_include_the_start_minute_and_exclude_the_end_minute) {
    const TimeInterval working = interval("times: [{start_time: '09:00', end_time: '17:30'}]");
    BOOST_TEST(!working.contains(utc(2024, 5, 6, 8, 59, 59)));
    BOOST_TEST(working.contains(utc(2024, 5, 6, 9, 0, 0)));
    BOOST_TEST(working.contains(utc(2024, 5, 6, 17, 29, 59)));
    BOOST_TEST(!working.contains(utc(2024, 5, 6, 17, 30, 0)));
    BOOST_REQUIRE(working.times.has_value());
    BOOST_TEST(working.times->at(0).start_minute == 540);
    BOOST_TEST(working.times->at(0).end_minute == 1050);
}

BOOST_AUTO_TEST_CASE(any_of_several_times_matches) {
    const TimeInterval split = interval(
        "times: [{start_time: '00:00', end_time: '06:00'}, {start_time: '22:00', end_time: "
        "'23:00'}]");
    BOOST_TEST(split.contains(utc(2024, 5, 6, 5, 59)));
    BOOST_TEST(!split.contains(utc(2024, 5, 6, 6, 0)));
    BOOST_TEST(split.contains(utc(2024, 5, 6, 22, 30)));
    BOOST_TEST(!split.contains(utc(2024, 5, 6, 23, 0)));
}

BOOST_AUTO_TEST_CASE(end_time_24_00_reaches_the_end_of_the_day) {
    const TimeInterval evening = interval("times: [{start_time: '20:00', end_time: '24:00'}]");
    BOOST_REQUIRE(evening.times.has_value());
    BOOST_TEST(evening.times->at(0).end_minute == 1440);
    BOOST_TEST(evening.contains(utc(2024, 5, 6, 23, 59, 59)));
    BOOST_TEST(!evening.contains(utc(2024, 5, 7, 0, 0, 0)));
    BOOST_TEST(!evening.contains(utc(2024, 5, 6, 19, 59, 59)));
}

BOOST_AUTO_TEST_CASE(block_style_unquoted_times_are_read) {
    const TimeInterval morning = interval("times:\n  - start_time: 09:00\n    end_time: 12:15\n");
    BOOST_TEST(morning.contains(utc(2024, 5, 6, 12, 14)));
    BOOST_TEST(!morning.contains(utc(2024, 5, 6, 12, 15)));
}

BOOST_AUTO_TEST_CASE(bad_times_are_rejected_with_alertmanagers_messages) {
    check_rejections({
        {"times: [{start_time: '09:00'}]", "both start and end times must be provided"},
        {"times: [{end_time: '09:00'}]", "both start and end times must be provided"},
        {"times: [{start_time: '09:00', end_time: ''}]",
         "both start and end times must be provided"},
        {"times: [{start_time: ~, end_time: '10:00'}]",
         "both start and end times must be provided"},
        {"times: [{}]", "both start and end times must be provided"},
        {"times: [{start_time: '9:00', end_time: '10:00'}]",
         "couldn't parse timestamp 9:00, invalid format"},
        {"times: [{start_time: '09:00', end_time: '24:01'}]",
         "couldn't parse timestamp 24:01, invalid format"},
        {"times: [{start_time: '23:60', end_time: '24:00'}]",
         "couldn't parse timestamp 23:60, invalid format"},
        {"times: [{start_time: '25:00', end_time: '26:00'}]",
         "couldn't parse timestamp 25:00, invalid format"},
        {"times: [{start_time: '09:00:00', end_time: '10:00'}]",
         "couldn't parse timestamp 09:00:00, invalid format"},
        {"times: [{start_time: ' 09:00', end_time: '10:00'}]",
         "couldn't parse timestamp  09:00, invalid format"},
        {"times: [{start_time: '10:00', end_time: '10:00'}]",
         "start time cannot be equal or greater than end time"},
        {"times: [{start_time: '11:00', end_time: '10:59'}]",
         "start time cannot be equal or greater than end time"},
        {"times: [{start_time: '24:00', end_time: '24:00'}]",
         "start time cannot be equal or greater than end time"},
        {"times: ['09:00']", "must be a mapping"},
        {"times: {start_time: '09:00', end_time: '10:00'}", "must be a list"},
    });
}

BOOST_AUTO_TEST_CASE(weekdays_take_names_ranges_and_any_case) {
    // 2024-05-05 is a Sunday.
    const TimeInterval working_days = interval("weekdays: ['Monday:FRIDAY']");
    BOOST_TEST(!working_days.contains(utc(2024, 5, 5)));
    BOOST_TEST(working_days.contains(utc(2024, 5, 6)));
    BOOST_TEST(working_days.contains(utc(2024, 5, 10)));
    BOOST_TEST(!working_days.contains(utc(2024, 5, 11)));

    const TimeInterval weekend = interval("weekdays: [saturday, sunday]");
    BOOST_TEST(weekend.contains(utc(2024, 5, 4)));
    BOOST_TEST(weekend.contains(utc(2024, 5, 5)));
    BOOST_TEST(!weekend.contains(utc(2024, 5, 6)));
    BOOST_REQUIRE(weekend.weekdays.has_value());
    BOOST_TEST(weekend.weekdays->at(1).begin == 0);  // Sunday is day 0, as in Go

    const TimeInterval whole_week = interval("weekdays: ['sunday:saturday']");
    for (int day = 5; day <= 11; ++day) BOOST_TEST(whole_week.contains(utc(2024, 5, day)));
}

BOOST_AUTO_TEST_CASE(bad_weekdays_are_rejected_with_alertmanagers_messages) {
    check_rejections({
        {"weekdays: ['friday:monday']", "start day cannot be before end day"},
        {"weekdays: ['funday']", "funday is not a valid weekday"},
        {"weekdays: ['MONDAY:Funday']", "funday is not a valid weekday"},
        {"weekdays: ['Mon:Tue:Wed']", "couldn't parse range mon:tue:wed, invalid format"},
        // Go lowercases but does not trim.
        {"weekdays: [' monday']", " monday is not a valid weekday"},
        {"weekdays: ['monday:']", " is not a valid weekday"},
        {"weekdays: ['1']", "1 is not a valid weekday"},
        {"weekdays: ['']", " is not a valid weekday"},
        {"weekdays: monday", "must be a list"},
        {"weekdays: [[monday]]", "must be a scalar value"},
    });
}

BOOST_AUTO_TEST_CASE(days_of_month_match_positive_ranges_and_clamp_to_the_month) {
    const TimeInterval middle = interval("days_of_month: ['10:15', '20']");
    BOOST_TEST(!middle.contains(utc(2024, 4, 9)));
    BOOST_TEST(middle.contains(utc(2024, 4, 10)));
    BOOST_TEST(middle.contains(utc(2024, 4, 15)));
    BOOST_TEST(!middle.contains(utc(2024, 4, 16)));
    BOOST_TEST(middle.contains(utc(2024, 4, 20)));

    // The end is clamped to the month; a start past its end skips the range.
    const TimeInterval late = interval("days_of_month: ['25:31']");
    BOOST_TEST(late.contains(utc(2023, 2, 28)));
    BOOST_TEST(!late.contains(utc(2023, 2, 24)));
    const TimeInterval after_february = interval("days_of_month: ['29:31']");
    BOOST_TEST(!after_february.contains(utc(2023, 2, 28)));
    BOOST_TEST(!after_february.contains(utc(2023, 3, 1)));
    BOOST_TEST(after_february.contains(utc(2024, 2, 29)));
    BOOST_TEST(after_february.contains(utc(2023, 3, 31)));

    const TimeInterval whole_month = interval("days_of_month: ['1:-1']");
    BOOST_TEST(whole_month.contains(utc(2023, 2, 1)));
    BOOST_TEST(whole_month.contains(utc(2023, 2, 28)));
    BOOST_TEST(whole_month.contains(utc(2024, 12, 31)));
}

BOOST_AUTO_TEST_CASE(negative_days_count_from_the_end_of_february) {
    const TimeInterval last_day = interval("days_of_month: ['-1']");
    BOOST_TEST(last_day.contains(utc(2024, 2, 29)));  // leap year
    BOOST_TEST(!last_day.contains(utc(2024, 2, 28)));
    BOOST_TEST(last_day.contains(utc(2023, 2, 28)));  // not a leap year
    BOOST_TEST(!last_day.contains(utc(2023, 2, 27)));
    BOOST_TEST(last_day.contains(utc(2023, 4, 30)));
    BOOST_TEST(!last_day.contains(utc(2023, 4, 29)));

    const TimeInterval last_three = interval("days_of_month: ['-3:-1']");
    BOOST_TEST(!last_three.contains(utc(2024, 2, 26)));
    BOOST_TEST(last_three.contains(utc(2024, 2, 27)));
    BOOST_TEST(last_three.contains(utc(2023, 2, 26)));
    BOOST_TEST(!last_three.contains(utc(2023, 2, 25)));

    // -31 and -29 are 1 and 3 in a 31-day month; in February they fall before its first day, where
    // Go clamps to [-days, days] and so keeps nothing in 2023 and only the 1st in 2024.
    const TimeInterval far_back = interval("days_of_month: ['-31:-29']");
    BOOST_TEST(far_back.contains(utc(2023, 3, 3)));
    BOOST_TEST(!far_back.contains(utc(2023, 3, 4)));
    BOOST_TEST(!far_back.contains(utc(2023, 2, 1)));
    BOOST_TEST(far_back.contains(utc(2024, 2, 1)));
    BOOST_TEST(!far_back.contains(utc(2024, 2, 2)));
}

BOOST_AUTO_TEST_CASE(bad_days_of_month_are_rejected_with_alertmanagers_messages) {
    check_rejections({
        {"days_of_month: ['0']", "0 is not a valid day of the month: out of range"},
        {"days_of_month: ['32']", "32 is not a valid day of the month: out of range"},
        {"days_of_month: ['-32:-1']", "-32 is not a valid day of the month: out of range"},
        {"days_of_month: ['1:0']", "0 is not a valid day of the month: out of range"},
        {"days_of_month: ['-1:5']", "end day must be negative if start day is negative"},
        {"days_of_month: ['10:5']", "end day 5 is always before start day 10"},
        {"days_of_month: ['-1:-5']", "end day -5 is always before start day -1"},
        {"days_of_month: ['5:-25']", "end day -25 is always before start day 5"},
        {"days_of_month: ['First']", "strconv.Atoi: parsing \"first\": invalid syntax"},
        {"days_of_month: [' 5']", "strconv.Atoi: parsing \" 5\": invalid syntax"},
        {"days_of_month: ['1_0']", "strconv.Atoi: parsing \"1_0\": invalid syntax"},
        {"days_of_month: ['+']", "strconv.Atoi: parsing \"+\": invalid syntax"},
        {"days_of_month: ['5:\"']", "strconv.Atoi: parsing \"\\\"\": invalid syntax"},
        {"days_of_month: ['99999999999999999999']",
         "strconv.Atoi: parsing \"99999999999999999999\": value out of range"},
        {"days_of_month: ['1:2:3']", "couldn't parse range 1:2:3, invalid format"},
    });
    // Atoi's optional sign.
    BOOST_TEST(interval("days_of_month: ['+5']").contains(utc(2024, 1, 5)));
}

BOOST_AUTO_TEST_CASE(months_take_names_numbers_and_ranges) {
    const TimeInterval spring = interval("months: ['March:may', '9', 'december:12']");
    BOOST_TEST(!spring.contains(utc(2024, 2, 29)));
    BOOST_TEST(spring.contains(utc(2024, 3, 1)));
    BOOST_TEST(spring.contains(utc(2024, 5, 31)));
    BOOST_TEST(!spring.contains(utc(2024, 6, 1)));
    BOOST_TEST(spring.contains(utc(2024, 9, 15)));
    BOOST_TEST(spring.contains(utc(2024, 12, 15)));
    BOOST_TEST(!spring.contains(utc(2024, 11, 15)));

    // Numbers are not range-checked: 13 is accepted and never matches.
    const TimeInterval thirteenth = interval("months: ['13']");
    for (int month = 1; month <= 12; ++month) BOOST_TEST(!thirteenth.contains(utc(2024, month, 1)));
}

BOOST_AUTO_TEST_CASE(bad_months_are_rejected_with_alertmanagers_messages) {
    check_rejections({
        {"months: ['may:march']", "end month march is before start month may"},
        {"months: ['December:1']", "end month january is before start month december"},
        // Go looks unknown numbers up as the empty name.
        {"months: ['13:12']", "end month december is before start month "},
        {"months: ['smarch']", "smarch is not a valid month"},
        {"months: ['January:Smarch']", "smarch is not a valid month"},
        {"months: ['jan']", "jan is not a valid month"},
        {"months: ['1:2:3']", "couldn't parse range 1:2:3, invalid format"},
    });
}

BOOST_AUTO_TEST_CASE(years_match_inclusive_ranges) {
    const TimeInterval some_years = interval("years: ['2020:2022', 2024]");
    BOOST_TEST(!some_years.contains(utc(2019, 12, 31, 23, 59, 59)));
    BOOST_TEST(some_years.contains(utc(2020, 1, 1, 0, 0, 0)));
    BOOST_TEST(some_years.contains(utc(2022, 12, 31, 23, 59, 59)));
    BOOST_TEST(!some_years.contains(utc(2023, 6, 1)));
    BOOST_TEST(some_years.contains(utc(2024, 6, 1)));
    BOOST_TEST(!some_years.contains(utc(2025, 6, 1)));

    const TimeInterval all_of_history =
        interval("years: ['-9223372036854775808:9223372036854775807']");
    BOOST_REQUIRE(all_of_history.years.has_value());
    BOOST_TEST(all_of_history.years->at(0).begin == INT64_MIN);
    BOOST_TEST(all_of_history.contains(utc(1969, 1, 1)));
}

BOOST_AUTO_TEST_CASE(bad_years_are_rejected_with_alertmanagers_messages) {
    check_rejections({
        {"years: ['2022:2020']", "end year 2020 is before start year 2022"},
        {"years: ['twenty']", "strconv.Atoi: parsing \"twenty\": invalid syntax"},
        {"years: ['2020:']", "strconv.Atoi: parsing \"\": invalid syntax"},
        {"years: ['9223372036854775808']",
         "strconv.Atoi: parsing \"9223372036854775808\": value out of range"},
        {"years: ['-9223372036854775809']",
         "strconv.Atoi: parsing \"-9223372036854775809\": value out of range"},
    });
}

BOOST_AUTO_TEST_CASE(every_present_field_must_match) {
    const TimeInterval narrow = interval(
        "times: [{start_time: '09:00', end_time: '17:00'}]\n"
        "weekdays: ['monday:friday']\n"
        "days_of_month: ['1:7']\n"
        "months: ['may']\n"
        "years: ['2024']\n");
    BOOST_TEST(narrow.contains(utc(2024, 5, 6, 10, 0)));    // Monday 6 May 2024
    BOOST_TEST(!narrow.contains(utc(2024, 5, 6, 18, 0)));   // time
    BOOST_TEST(!narrow.contains(utc(2024, 5, 5, 10, 0)));   // Sunday
    BOOST_TEST(!narrow.contains(utc(2024, 5, 13, 10, 0)));  // day of month
    BOOST_TEST(!narrow.contains(utc(2024, 6, 3, 10, 0)));   // month
    BOOST_TEST(!narrow.contains(utc(2025, 5, 5, 10, 0)));   // year (a Monday)
}

BOOST_AUTO_TEST_CASE(an_absent_field_matches_everything_and_an_empty_list_nothing) {
    const TimeInterval everything = interval("{}");
    BOOST_TEST(everything.contains(utc(1999, 12, 31, 23, 59, 59)));
    BOOST_TEST(interval("weekdays: ~\nmonths:\n").contains(utc(2024, 5, 5)));
    for (const char* field : {"times", "weekdays", "days_of_month", "months", "years"}) {
        BOOST_TEST_CONTEXT(field) {
            BOOST_TEST(!interval(std::string(field) + ": []").contains(utc(2024, 5, 5)));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_null_list_element_is_the_zero_range_as_in_go) {
    // yaml.v2 keeps the zero value for null elements: weekday 0 is Sunday, and the time range
    // [0, 0) holds no minute.
    const TimeInterval zero_weekday = interval("weekdays: [~]");
    BOOST_TEST(zero_weekday.contains(utc(2024, 5, 5)));
    BOOST_TEST(!zero_weekday.contains(utc(2024, 5, 6)));
    BOOST_TEST(!interval("times: [~]").contains(utc(2024, 5, 5, 0, 0)));
    BOOST_TEST(!interval("days_of_month: [~]").contains(utc(2024, 5, 1)));
    // A null interval is the zero TimeInterval, which holds at every time.
    const NamedTimeInterval always = parse_named_time_interval(
        ConfigNode::load_string("name: always\ntime_intervals: [~]", "am.yml"));
    BOOST_TEST(always.contains(utc(2024, 5, 1)));
}

BOOST_AUTO_TEST_CASE(location_moves_every_field_into_sydney_time) {
    // 22:30 UTC on Monday 15 January is 09:30 on Tuesday 16 January in Sydney (UTC+11 in summer).
    const auto monday_evening_utc = utc(2024, 1, 15, 22, 30);
    const TimeInterval sydney_morning =
        interval("times: [{start_time: '09:00', end_time: '10:00'}]\nlocation: Australia/Sydney");
    BOOST_TEST(sydney_morning.contains(monday_evening_utc));
    BOOST_TEST(!sydney_morning.contains(utc(2024, 1, 15, 9, 30)));
    BOOST_REQUIRE(sydney_morning.location.has_value());
    BOOST_TEST(sydney_morning.location->name == "Australia/Sydney");

    BOOST_TEST(
        interval("weekdays: [tuesday]\nlocation: Australia/Sydney").contains(monday_evening_utc));
    BOOST_TEST(
        !interval("weekdays: [monday]\nlocation: Australia/Sydney").contains(monday_evening_utc));
    BOOST_TEST(interval("weekdays: [monday]").contains(monday_evening_utc));
    BOOST_TEST(
        interval("days_of_month: ['16']\nlocation: Australia/Sydney").contains(monday_evening_utc));

    // 14:00 UTC on 31 January is 01:00 on 1 February in Sydney: month and day move with it.
    const auto new_month_in_sydney = utc(2024, 1, 31, 14, 0);
    BOOST_TEST(
        interval("months: [february]\nlocation: Australia/Sydney").contains(new_month_in_sydney));
    BOOST_TEST(!interval("months: [february]").contains(new_month_in_sydney));
    BOOST_TEST(
        interval("days_of_month: ['1']\nlocation: Australia/Sydney").contains(new_month_in_sydney));
    // 13:00 UTC on 31 December 2023 is already 2024 in Sydney.
    BOOST_TEST(
        interval("years: ['2024']\nlocation: Australia/Sydney").contains(utc(2023, 12, 31, 13, 0)));
    BOOST_TEST(!interval("years: ['2024']").contains(utc(2023, 12, 31, 13, 0)));
}

BOOST_AUTO_TEST_CASE(location_follows_new_york_across_its_dst_changes) {
    const TimeInterval nine_to_ten =
        interval("times: [{start_time: '09:00', end_time: '10:00'}]\nlocation: America/New_York");
    // Clocks went forward on Sunday 10 March 2024: 09:30 was 14:30 UTC before and 13:30 after.
    BOOST_TEST(nine_to_ten.contains(utc(2024, 3, 9, 14, 30)));
    BOOST_TEST(!nine_to_ten.contains(utc(2024, 3, 9, 13, 30)));
    BOOST_TEST(nine_to_ten.contains(utc(2024, 3, 10, 13, 30)));
    BOOST_TEST(!nine_to_ten.contains(utc(2024, 3, 10, 14, 30)));

    // On 3 November 2024 the hour from 01:00 happened twice, at 05:00 and at 06:00 UTC.
    const TimeInterval one_to_two =
        interval("times: [{start_time: '01:00', end_time: '02:00'}]\nlocation: America/New_York");
    BOOST_TEST(!one_to_two.contains(utc(2024, 11, 3, 4, 59)));
    BOOST_TEST(one_to_two.contains(utc(2024, 11, 3, 5, 30)));
    BOOST_TEST(one_to_two.contains(utc(2024, 11, 3, 6, 30)));
    BOOST_TEST(!one_to_two.contains(utc(2024, 11, 3, 7, 0)));
    BOOST_TEST(one_to_two.contains(at("America/New_York", 2024, 11, 4, 1, 15)));
}

BOOST_AUTO_TEST_CASE(a_month_whose_clocks_go_forward_is_a_day_short_as_in_go) {
    // Go's daysInMonth counts whole 24-hour days between midnights: March 2024 in New York is
    // 30 days and 23 hours, so -1 is 30 March there, while it is 31 March in UTC.
    const TimeInterval last_day_new_york =
        interval("days_of_month: ['-1']\nlocation: America/New_York");
    BOOST_TEST(last_day_new_york.contains(at("America/New_York", 2024, 3, 30, 12, 0)));
    BOOST_TEST(!last_day_new_york.contains(at("America/New_York", 2024, 3, 31, 12, 0)));
    BOOST_TEST(interval("days_of_month: ['-1']").contains(utc(2024, 3, 31)));
    // 1 October 2023 began in Sydney at 00:00 AEST, two hours before clocks went forward, which
    // time.Date finds only with its second lookup; October then has 30 days and 23 hours.
    const TimeInterval last_day_sydney =
        interval("days_of_month: ['-1']\nlocation: Australia/Sydney");
    BOOST_TEST(last_day_sydney.contains(at("Australia/Sydney", 2023, 10, 30, 12, 0)));
    BOOST_TEST(!last_day_sydney.contains(at("Australia/Sydney", 2023, 10, 29, 12, 0)));
    BOOST_TEST(!last_day_sydney.contains(at("Australia/Sydney", 2023, 10, 31, 12, 0)));
    // November's extra hour changes nothing: 30 days and 1 hour still make 30.
    BOOST_TEST(last_day_new_york.contains(at("America/New_York", 2024, 11, 30, 12, 0)));
    BOOST_TEST(!last_day_new_york.contains(at("America/New_York", 2024, 11, 29, 12, 0)));
}

BOOST_AUTO_TEST_CASE(utc_is_the_default_and_local_is_the_machines_zone) {
    const std::string nine_to_ten = "times: [{start_time: '09:00', end_time: '10:00'}]\n";
    for (const char* spelled : {"", "location: UTC\n", "location: ''\n", "location: ~\n"}) {
        BOOST_TEST_CONTEXT("[" << spelled << "]") {
            const TimeInterval in_utc = interval(nine_to_ten + spelled);
            BOOST_TEST(in_utc.contains(utc(2024, 1, 15, 9, 30)));
            BOOST_TEST(!in_utc.contains(utc(2024, 1, 15, 10, 30)));
        }
    }
    BOOST_TEST(interval("location: ''").location->name == "UTC");

    // The C library's own reading of the machine's zone is the reference for "Local".
    const TimeInterval local = interval("location: Local");
    BOOST_REQUIRE(local.location.has_value());
    BOOST_TEST(local.location->name == "Local");
    const std::time_t instant = 1705311000;  // 2024-01-15 09:30 UTC
    std::tm wall{};
    localtime_r(&instant, &wall);
    const auto two_digits = [](int n) { return (n < 10 ? "0" : "") + std::to_string(n); };
    const TimeInterval local_hour_only =
        interval("times: [{start_time: '" + two_digits(wall.tm_hour) + ":00', end_time: '" +
                 two_digits(wall.tm_hour + 1) + ":00'}]\nlocation: Local");
    BOOST_TEST(local_hour_only.contains(system_clock::from_time_t(instant)));
    BOOST_TEST(!local_hour_only.contains(system_clock::from_time_t(instant + 3600)));
}

BOOST_AUTO_TEST_CASE(bad_locations_are_rejected_with_gos_messages) {
    check_rejections({
        {"location: Mars/Olympus", "unknown time zone Mars/Olympus"},
        {"location: utc", "unknown time zone utc"},
        // cctz would build these itself; Go has no such names.
        {"location: Fixed/UTC+05:00", "unknown time zone Fixed/UTC+05:00"},
        {"location: 'file:UTC'", "unknown time zone file:UTC"},
        {"location: ../../etc/localtime", "time: invalid location name"},
        {"location: /etc/localtime", "time: invalid location name"},
        {"location: '\\UTC'", "time: invalid location name"},
        {"location: America", "is a directory"},
        {"location: UTC/Extra", "not a directory"},
        {"location: zone.tab", "malformed time zone information"},
        {"location: [UTC]", "must be a scalar value"},
    });
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_rejected_as_unmarshal_strict_does) {
    const std::string misspelled = interval_error("weekday: [monday]");
    BOOST_TEST(misspelled.find("am.yml:1:1: weekday: unknown field") == 0, misspelled);
    const std::string in_times = interval_error("times: [{start: '09:00', end_time: '10:00'}]");
    BOOST_TEST(in_times.find("times[0].start: unknown field") != std::string::npos, in_times);
    BOOST_TEST(interval_error("[weekdays]").find("must be a mapping") != std::string::npos);

    const std::string in_named = error_of(
        "name: x\nintervals: []", [](const ConfigNode& node) { parse_named_time_interval(node); });
    BOOST_TEST(in_named.find("am.yml:2:1: intervals: unknown field") == 0, in_named);
}

BOOST_AUTO_TEST_CASE(a_named_interval_holds_when_any_of_its_intervals_does) {
    const NamedTimeInterval weekends_and_nights = parse_named_time_interval(
        ConfigNode::load_string("name: quiet\n"
                                "time_intervals:\n"
                                "  - weekdays: [saturday, sunday]\n"
                                "  - times: [{start_time: '00:00', end_time: '06:00'}]\n",
                                "am.yml"));
    BOOST_TEST(weekends_and_nights.name == "quiet");
    BOOST_TEST(weekends_and_nights.intervals.size() == 2u);
    BOOST_TEST(weekends_and_nights.contains(utc(2024, 5, 5, 12, 0)));   // Sunday noon
    BOOST_TEST(weekends_and_nights.contains(utc(2024, 5, 6, 3, 0)));    // Monday night
    BOOST_TEST(!weekends_and_nights.contains(utc(2024, 5, 6, 12, 0)));  // Monday noon

    const NamedTimeInterval nothing =
        parse_named_time_interval(ConfigNode::load_string("name: never", "am.yml"));
    BOOST_TEST(!nothing.contains(utc(2024, 5, 5)));
}

BOOST_AUTO_TEST_CASE(a_named_interval_needs_a_name) {
    const auto parse_as = [](TimeIntervalList list) {
        return [list](const ConfigNode& node) { parse_named_time_interval(node, list); };
    };
    const std::string yaml = "time_intervals: [{weekdays: [monday]}]";
    BOOST_TEST(error_of(yaml, parse_as(TimeIntervalList::time_intervals)) ==
               "am.yml:1:1: missing name in time interval");
    BOOST_TEST(error_of(yaml, parse_as(TimeIntervalList::mute_time_intervals)) ==
               "am.yml:1:1: missing name in mute time interval");
    BOOST_TEST(error_of("name: ''", parse_as(TimeIntervalList::time_intervals)) ==
               "am.yml:1:1: missing name in time interval");
    BOOST_TEST(error_of("name: ~", parse_as(TimeIntervalList::time_intervals)) ==
               "am.yml:1:1: missing name in time interval");
    // A bad interval is reported before the missing name, as Go decodes before it checks.
    BOOST_TEST(ends_with(error_of("time_intervals: [{weekdays: [funday]}]",
                                  parse_as(TimeIntervalList::time_intervals)),
                         "funday is not a valid weekday"));
}

BOOST_AUTO_TEST_CASE(names_are_unique_across_both_lists) {
    const auto lists = [](const ConfigNode& node) { parse_time_interval_lists(node); };
    BOOST_TEST(error_of("mute_time_intervals:\n  - name: a\n  - name: a\n", lists) ==
               "am.yml:3:11: mute_time_intervals[1].name: mute time interval \"a\" is not unique");
    BOOST_TEST(
        error_of("mute_time_intervals:\n  - name: a\ntime_intervals:\n  - name: a\n", lists) ==
        "am.yml:4:11: time_intervals[0].name: time interval \"a\" is not unique");
    BOOST_TEST(error_of("time_intervals:\n  - name: 'a\"b'\n  - name: 'a\"b'\n", lists) ==
               "am.yml:3:11: time_intervals[1].name: time interval \"a\\\"b\" is not unique");
    BOOST_TEST(
        error_of("time_intervals:\n  - name: \"a\\tb\\x01\"\n  - name: \"a\\tb\\x01\"\n", lists) ==
        "am.yml:3:11: time_intervals[1].name: time interval \"a\\tb\\x01\" is not unique");
    // Mute intervals come first whichever list is written first.
    const auto both = parse_time_interval_lists(ConfigNode::load_string(
        "time_intervals:\n  - name: b\nmute_time_intervals:\n  - name: a\n", "am.yml"));
    BOOST_REQUIRE(both.size() == 2u);
    BOOST_TEST(both[0].name == "a");
    BOOST_TEST(both[1].name == "b");
}

BOOST_AUTO_TEST_CASE(a_null_entry_is_kept_without_a_name_as_in_go) {
    // yaml.v2 skips UnmarshalYAML, and so the name check, for a null entry.
    const auto intervals =
        parse_time_interval_lists(ConfigNode::load_string("time_intervals: [~]", "am.yml"));
    BOOST_REQUIRE(intervals.size() == 1u);
    BOOST_TEST(intervals[0].name.empty());
    BOOST_TEST(!intervals[0].contains(utc(2024, 5, 5)));
    const auto lists = [](const ConfigNode& node) { parse_time_interval_lists(node); };
    BOOST_TEST(error_of("time_intervals: [~, ~]", lists) ==
               "am.yml:1:21: time_intervals[1].name: time interval \"\" is not unique");
}

BOOST_AUTO_TEST_CASE(an_alertmanager_file_is_read_with_file_line_and_key_in_errors) {
    const std::string file =
        "route:\n"
        "  receiver: team\n"
        "  routes:\n"
        "    - matchers: ['severity=\"info\"']\n"
        "      mute_time_intervals: [offhours]\n"
        "receivers:\n"
        "  - name: team\n"
        "time_intervals:\n"
        "  - name: offhours\n"
        "    time_intervals:\n"
        "      - weekdays: ['saturday', 'sunday']\n"
        "      - times:\n"
        "          - start_time: '00:00'\n"
        "            end_time: '08:00'\n"
        "          - start_time: '18:00'\n"
        "            end_time: '24:00'\n"
        "        weekdays: ['monday:friday']\n"
        "        location: Europe/Berlin\n"
        "  - name: month_end\n"
        "    time_intervals:\n"
        "      - days_of_month: ['-2:-1']\n"
        "        months: ['january:june']\n"
        "        years: ['2024:2025']\n"
        "mute_time_intervals:\n"
        "  - name: legacy\n"
        "    time_intervals: [{}]\n";
    const auto intervals =
        parse_time_interval_lists(ConfigNode::load_string(file, "alertmanager.yml"));
    BOOST_REQUIRE(intervals.size() == 3u);
    BOOST_TEST(intervals[0].name == "legacy");
    BOOST_TEST(intervals[0].contains(utc(2024, 5, 6)));
    const NamedTimeInterval& offhours = intervals[1];
    BOOST_TEST(offhours.name == "offhours");
    // Monday 6 May 2024; Berlin is UTC+2 in summer.
    BOOST_TEST(offhours.contains(utc(2024, 5, 6, 5, 59)));
    BOOST_TEST(!offhours.contains(utc(2024, 5, 6, 6, 0)));
    BOOST_TEST(!offhours.contains(utc(2024, 5, 6, 15, 59)));
    BOOST_TEST(offhours.contains(utc(2024, 5, 6, 16, 0)));
    BOOST_TEST(offhours.contains(utc(2024, 5, 5, 12, 0)));
    const NamedTimeInterval& month_end = intervals[2];
    BOOST_TEST(month_end.contains(utc(2024, 2, 28)));
    BOOST_TEST(!month_end.contains(utc(2024, 2, 27)));
    BOOST_TEST(!month_end.contains(utc(2024, 7, 31)));
    BOOST_TEST(!month_end.contains(utc(2026, 1, 31)));

    std::string broken = file;
    broken.replace(broken.find("'monday:friday'"), 15, "'friday:monday'");
    const std::string error =
        error_of(broken, [](const ConfigNode& node) { parse_time_interval_lists(node); });
    BOOST_TEST(error ==
               "am.yml:17:20: time_intervals[0].time_intervals[1].weekdays[0]: "
               "start day cannot be before end day");

    std::string bad_month = file;
    bad_month.replace(bad_month.find("'january:june'"), 14, "'june:january'");
    BOOST_TEST(
        error_of(bad_month, [](const ConfigNode& node) { parse_time_interval_lists(node); }) ==
        "am.yml:22:18: time_intervals[1].time_intervals[0].months[0]: "
        "end month january is before start month june");
}

BOOST_AUTO_TEST_SUITE_END()
