#include "exporter/redis/info_fields.hpp"

#include <unordered_map>

namespace stackwatch::exporter::redis {
namespace {

struct Entry {
    std::string_view key;
    InfoField field;
};

constexpr bool gauge = false;
constexpr bool counter = true;

// The Redis part of redis_exporter's metricMapGauges and metricMapCounters.
constexpr Entry kFields[] = {
    // Server
    {"uptime_in_seconds", {"uptime_in_seconds", gauge}},
    {"process_id", {"process_id", gauge}},
    {"io_threads_active", {"io_threads_active", gauge}},
    // Clients
    {"connected_clients", {"connected_clients", gauge}},
    {"blocked_clients", {"blocked_clients", gauge}},
    {"maxclients", {"max_clients", gauge}},
    {"tracking_clients", {"tracking_clients", gauge}},
    {"clients_in_timeout_table", {"clients_in_timeout_table", gauge}},
    {"pubsub_clients", {"pubsub_clients", gauge}},
    {"watching_clients", {"watching_clients", gauge}},
    {"total_watched_keys", {"total_watched_keys", gauge}},
    {"total_blocking_keys", {"total_blocking_keys", gauge}},
    {"total_blocking_keys_on_nokey", {"total_blocking_keys_on_nokey", gauge}},
    {"client_longest_output_list", {"client_longest_output_list", gauge}},
    {"client_biggest_input_buf", {"client_biggest_input_buf", gauge}},
    {"client_recent_max_output_buffer", {"client_recent_max_output_buffer_bytes", gauge}},
    {"client_recent_max_input_buffer", {"client_recent_max_input_buffer_bytes", gauge}},
    // Memory
    {"allocator_active", {"allocator_active_bytes", gauge}},
    {"allocator_allocated", {"allocator_allocated_bytes", gauge}},
    {"allocator_resident", {"allocator_resident_bytes", gauge}},
    {"allocator_frag_ratio", {"allocator_frag_ratio", gauge}},
    {"allocator_frag_bytes", {"allocator_frag_bytes", gauge}},
    {"allocator_muzzy", {"allocator_muzzy_bytes", gauge}},
    {"allocator_rss_ratio", {"allocator_rss_ratio", gauge}},
    {"allocator_rss_bytes", {"allocator_rss_bytes", gauge}},
    {"used_memory", {"memory_used_bytes", gauge}},
    {"used_memory_rss", {"memory_used_rss_bytes", gauge}},
    {"used_memory_peak", {"memory_used_peak_bytes", gauge}},
    {"used_memory_lua", {"memory_used_lua_bytes", gauge}},
    {"used_memory_vm_eval", {"memory_used_vm_eval_bytes", gauge}},
    {"used_memory_scripts_eval", {"memory_used_scripts_eval_bytes", gauge}},
    {"used_memory_overhead", {"memory_used_overhead_bytes", gauge}},
    {"used_memory_startup", {"memory_used_startup_bytes", gauge}},
    {"used_memory_dataset", {"memory_used_dataset_bytes", gauge}},
    {"number_of_cached_scripts", {"number_of_cached_scripts", gauge}},
    {"number_of_functions", {"number_of_functions", gauge}},
    {"number_of_libraries", {"number_of_libraries", gauge}},
    {"used_memory_vm_functions", {"memory_used_vm_functions_bytes", gauge}},
    {"used_memory_scripts", {"memory_used_scripts_bytes", gauge}},
    {"used_memory_functions", {"memory_used_functions_bytes", gauge}},
    {"used_memory_vm_total", {"memory_used_vm_total", gauge}},
    {"maxmemory", {"memory_max_bytes", gauge}},
    {"maxmemory_reservation", {"memory_max_reservation_bytes", gauge}},
    {"maxmemory_desired_reservation", {"memory_max_reservation_desired_bytes", gauge}},
    {"maxfragmentationmemory_reservation", {"memory_max_fragmentation_reservation_bytes", gauge}},
    {"maxfragmentationmemory_desired_reservation",
     {"memory_max_fragmentation_reservation_desired_bytes", gauge}},
    {"mem_fragmentation_ratio", {"mem_fragmentation_ratio", gauge}},
    {"mem_fragmentation_bytes", {"mem_fragmentation_bytes", gauge}},
    {"mem_clients_slaves", {"mem_clients_slaves", gauge}},
    {"mem_clients_normal", {"mem_clients_normal", gauge}},
    {"mem_cluster_links", {"mem_cluster_links_bytes", gauge}},
    {"mem_aof_buffer", {"mem_aof_buffer_bytes", gauge}},
    {"mem_replication_backlog", {"mem_replication_backlog_bytes", gauge}},
    {"expired_stale_perc", {"expired_stale_percentage", gauge}},
    {"mem_not_counted_for_evict", {"mem_not_counted_for_eviction_bytes", gauge}},
    {"mem_total_replication_buffers", {"mem_total_replication_buffers_bytes", gauge}},
    {"mem_overhead_db_hashtable_rehashing", {"mem_overhead_db_hashtable_rehashing_bytes", gauge}},
    {"lazyfree_pending_objects", {"lazyfree_pending_objects", gauge}},
    {"lazyfreed_objects", {"lazyfreed_objects", gauge}},
    {"active_defrag_running", {"active_defrag_running", gauge}},
    {"migrate_cached_sockets", {"migrate_cached_sockets_total", gauge}},
    {"active_defrag_hits", {"defrag_hits", gauge}},
    {"active_defrag_misses", {"defrag_misses", gauge}},
    {"active_defrag_key_hits", {"defrag_key_hits", gauge}},
    {"active_defrag_key_misses", {"defrag_key_misses", gauge}},
    // Persistence
    {"loading", {"loading_dump_file", gauge}},
    {"async_loading", {"async_loading", gauge}},
    {"rdb_changes_since_last_save", {"rdb_changes_since_last_save", gauge}},
    {"rdb_bgsave_in_progress", {"rdb_bgsave_in_progress", gauge}},
    {"rdb_last_save_time", {"rdb_last_save_timestamp_seconds", gauge}},
    {"rdb_last_bgsave_status", {"rdb_last_bgsave_status", gauge}},
    {"rdb_last_bgsave_time_sec", {"rdb_last_bgsave_duration_sec", gauge}},
    {"rdb_current_bgsave_time_sec", {"rdb_current_bgsave_duration_sec", gauge}},
    {"rdb_saves", {"rdb_saves_total", gauge}},
    {"rdb_last_cow_size", {"rdb_last_cow_size_bytes", gauge}},
    {"rdb_last_load_keys_expired", {"rdb_last_load_expired_keys", gauge}},
    {"rdb_last_load_keys_loaded", {"rdb_last_load_loaded_keys", gauge}},
    {"aof_enabled", {"aof_enabled", gauge}},
    {"aof_rewrite_in_progress", {"aof_rewrite_in_progress", gauge}},
    {"aof_rewrite_scheduled", {"aof_rewrite_scheduled", gauge}},
    {"aof_last_rewrite_time_sec", {"aof_last_rewrite_duration_sec", gauge}},
    {"aof_current_rewrite_time_sec", {"aof_current_rewrite_duration_sec", gauge}},
    {"aof_last_cow_size", {"aof_last_cow_size_bytes", gauge}},
    {"aof_current_size", {"aof_current_size_bytes", gauge}},
    {"aof_base_size", {"aof_base_size_bytes", gauge}},
    {"aof_pending_rewrite", {"aof_pending_rewrite", gauge}},
    {"aof_buffer_length", {"aof_buffer_length", gauge}},
    {"aof_rewrite_buffer_length", {"aof_rewrite_buffer_length", gauge}},
    {"aof_pending_bio_fsync", {"aof_pending_bio_fsync", gauge}},
    {"aof_delayed_fsync", {"aof_delayed_fsync", gauge}},
    {"aof_last_bgrewrite_status", {"aof_last_bgrewrite_status", gauge}},
    {"aof_last_write_status", {"aof_last_write_status", gauge}},
    {"module_fork_in_progress", {"module_fork_in_progress", gauge}},
    {"module_fork_last_cow_size", {"module_fork_last_cow_size", gauge}},
    // Stats
    {"current_eviction_exceeded_time", {"current_eviction_exceeded_time_ms", gauge}},
    {"pubsub_channels", {"pubsub_channels", gauge}},
    {"pubsub_patterns", {"pubsub_patterns", gauge}},
    {"pubsubshard_channels", {"pubsubshard_channels", gauge}},
    {"latest_fork_usec", {"latest_fork_usec", gauge}},
    {"tracking_total_keys", {"tracking_total_keys", gauge}},
    {"tracking_total_items", {"tracking_total_items", gauge}},
    {"tracking_total_prefixes", {"tracking_total_prefixes", gauge}},
    {"instantaneous_eventloop_cycles_per_sec", {"instantaneous_eventloop_cycles_per_sec", gauge}},
    {"instantaneous_eventloop_duration_usec", {"instantaneous_eventloop_duration_usec", gauge}},
    {"total_connections_received", {"connections_received_total", counter}},
    {"total_commands_processed", {"commands_processed_total", counter}},
    {"rejected_connections", {"rejected_connections_total", counter}},
    {"total_net_input_bytes", {"net_input_bytes_total", counter}},
    {"total_net_output_bytes", {"net_output_bytes_total", counter}},
    {"total_net_repl_input_bytes", {"net_repl_input_bytes_total", counter}},
    {"total_net_repl_output_bytes", {"net_repl_output_bytes_total", counter}},
    {"expired_subkeys", {"expired_subkeys_total", counter}},
    {"expired_keys", {"expired_keys_total", counter}},
    {"expired_time_cap_reached_count", {"expired_time_cap_reached_total", counter}},
    {"expire_cycle_cpu_milliseconds", {"expire_cycle_cpu_time_ms_total", counter}},
    {"evicted_keys", {"evicted_keys_total", counter}},
    {"evicted_clients", {"evicted_clients_total", counter}},
    {"evicted_scripts", {"evicted_scripts_total", counter}},
    {"total_eviction_exceeded_time", {"eviction_exceeded_time_ms_total", counter}},
    {"keyspace_hits", {"keyspace_hits_total", counter}},
    {"keyspace_misses", {"keyspace_misses_total", counter}},
    {"eventloop_cycles", {"eventloop_cycles_total", counter}},
    {"eventloop_duration_sum", {"eventloop_duration_sum_usec_total", counter}},
    {"eventloop_duration_cmd_sum", {"eventloop_duration_cmd_sum_usec_total", counter}},
    {"unexpected_error_replies", {"unexpected_error_replies", counter}},
    {"total_error_replies", {"total_error_replies", counter}},
    {"dump_payload_sanitizations", {"dump_payload_sanitizations", counter}},
    {"total_reads_processed", {"total_reads_processed", counter}},
    {"total_writes_processed", {"total_writes_processed", counter}},
    {"io_threaded_reads_processed", {"io_threaded_reads_processed", counter}},
    {"io_threaded_writes_processed", {"io_threaded_writes_processed", counter}},
    {"client_query_buffer_limit_disconnections",
     {"client_query_buffer_limit_disconnections_total", counter}},
    {"client_output_buffer_limit_disconnections",
     {"client_output_buffer_limit_disconnections_total", counter}},
    {"reply_buffer_shrinks", {"reply_buffer_shrinks_total", counter}},
    {"reply_buffer_expands", {"reply_buffer_expands_total", counter}},
    {"acl_access_denied_auth", {"acl_access_denied_auth_total", counter}},
    {"acl_access_denied_cmd", {"acl_access_denied_cmd_total", counter}},
    {"acl_access_denied_key", {"acl_access_denied_key_total", counter}},
    {"acl_access_denied_channel", {"acl_access_denied_channel_total", counter}},
    // Replication
    {"connected_slaves", {"connected_slaves", gauge}},
    {"repl_backlog_size", {"replication_backlog_bytes", gauge}},
    {"repl_backlog_active", {"repl_backlog_is_active", gauge}},
    {"repl_backlog_first_byte_offset", {"repl_backlog_first_byte_offset", gauge}},
    {"repl_backlog_histlen", {"repl_backlog_history_bytes", gauge}},
    {"master_repl_offset", {"master_repl_offset", gauge}},
    {"second_repl_offset", {"second_repl_offset", gauge}},
    {"slave_expires_tracked_keys", {"slave_expires_tracked_keys", gauge}},
    {"slave_priority", {"slave_priority", gauge}},
    {"sync_full", {"replica_resyncs_full", gauge}},
    {"sync_partial_ok", {"replica_partial_resync_accepted", gauge}},
    {"sync_partial_err", {"replica_partial_resync_denied", gauge}},
    // CPU
    {"used_cpu_sys", {"cpu_sys_seconds_total", counter}},
    {"used_cpu_user", {"cpu_user_seconds_total", counter}},
    {"used_cpu_sys_children", {"cpu_sys_children_seconds_total", counter}},
    {"used_cpu_user_children", {"cpu_user_children_seconds_total", counter}},
    {"used_cpu_sys_main_thread", {"cpu_sys_main_thread_seconds_total", counter}},
    {"used_cpu_user_main_thread", {"cpu_user_main_thread_seconds_total", counter}},
    {"used_active_time_main_thread", {"active_time_main_thread_seconds_total", counter}},
    // Cluster
    {"cluster_stats_messages_sent", {"cluster_messages_sent_total", gauge}},
    {"cluster_stats_messages_received", {"cluster_messages_received_total", gauge}},
};

}  // namespace

const InfoField* find_info_field(std::string_view key) {
    static const auto index = [] {
        std::unordered_map<std::string_view, const InfoField*> map;
        for (const auto& entry : kFields) map.emplace(entry.key, &entry.field);
        return map;
    }();
    auto it = index.find(key);
    return it == index.end() ? nullptr : it->second;
}

}  // namespace stackwatch::exporter::redis
