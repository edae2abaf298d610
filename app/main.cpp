#include <cstdio>
int main() {
  std::puts("covsim: command line not built yet");
  return 1;
}
