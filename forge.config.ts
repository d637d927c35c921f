// Electron Forge packaging. The native addon is unpacked from the asar so it can be dlopen()ed.
const config = {
  packagerConfig: {
    name: 'MTRL Lab',
    executableName: 'mtrl-lab',
    asar: { unpack: '**/native/build/Release/*.node' },
  },
  makers: [],
};

export default config;
