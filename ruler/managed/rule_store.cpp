#include "ruler/managed/rule_store.hpp"

namespace stackwatch::managed {

RuleStore::RuleStore(const std::string& path) : db_(path) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS managed_rules (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT "
        "NOT NULL UNIQUE, record TEXT NOT NULL)");
}

std::vector<ApiRule> RuleStore::load() const {
    std::lock_guard lock(mutex_);
    auto& s = db_.cached("SELECT id, record FROM managed_rules ORDER BY seq");
    std::vector<ApiRule> out;
    while (s.step()) {
        auto record = nlohmann::json::parse(s.text(1));
        auto rule = rule_from_json(record);
        rule.id = s.text(0);
        rule.created_at = record.value("createdAt", "");
        rule.updated_at = record.value("updatedAt", "");
        out.push_back(std::move(rule));
    }
    return out;
}

void RuleStore::save(const ApiRule& rule) {
    std::lock_guard lock(mutex_);
    db_.cached(
           "INSERT INTO managed_rules (id, record) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET "
           "record = excluded.record")
        .bind(1, rule.id)
        .bind(2, rule_to_json(rule).dump())
        .run();
}

void RuleStore::remove(const std::string& id) {
    std::lock_guard lock(mutex_);
    db_.cached("DELETE FROM managed_rules WHERE id = ?").bind(1, id).run();
}

}  // namespace stackwatch::managed
