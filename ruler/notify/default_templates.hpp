#pragma once
// Alertmanager 0.25's own notification templates, which it builds into its binary and parses
// before the configuration's `templates`.

namespace stackwatch::notify {

extern const char* const kDefaultTemplate;  // template/default.tmpl
extern const char* const kEmailTemplate;    // template/email.tmpl

}  // namespace stackwatch::notify
