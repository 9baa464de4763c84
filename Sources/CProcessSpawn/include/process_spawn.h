#ifndef HOLDFAST_PROCESS_SPAWN_H
#define HOLDFAST_PROCESS_SPAWN_H
#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np is a GNU extension that Swift's Glibc module hides
/// (it needs _GNU_SOURCE); the wrapper is compiled with it defined.
int hf_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);
#endif
