#include "iot-sub/sub.hpp"

int main(int argc, char** argv) { return iot::sub::run(argc, argv); }
