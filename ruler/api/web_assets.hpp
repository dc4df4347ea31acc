#pragma once
// The on-call page's static files (ruler/web/), compiled into the binary.

#include <string_view>
#include <vector>

namespace stackwatch::ruler {

struct WebAsset {
    std::string_view path;  // "/", "/web/app.js", ...
    std::string_view content_type;
    std::string_view content;
};

const std::vector<WebAsset>& web_assets();

}  // namespace stackwatch::ruler
