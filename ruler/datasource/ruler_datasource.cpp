#include "ruler/datasource/ruler_datasource.hpp"

#include "ruler/datasource/remote_datasource.hpp"

namespace stackwatch::ruler {

std::shared_ptr<datasource::Datasource> make_datasource(const RulerConfig& config,
                                                        const storage::MemoryStore& store) {
    if (config.datasource && (*config.datasource)["type"].as_string() != "embedded")
        return std::make_shared<datasource::RemoteDatasource>(
            datasource::parse_remote_datasource_config(*config.datasource));
    return std::make_shared<datasource::EmbeddedDatasource>(store);
}

}  // namespace stackwatch::ruler
