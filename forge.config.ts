import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerRpm } from '@electron-forge/maker-rpm';
import { MakerZIP } from '@electron-forge/maker-zip';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerDMG } from '@electron-forge/maker-dmg';
import { AutoUnpackNativesPlugin } from '@electron-forge/plugin-auto-unpack-natives';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

// `npm run make` on a machine that can download Electron. The app ships the built dist/ (main, preload,
// renderer, engine) and the native addon, which must sit outside the asar to be dlopen()ed.
const config: ForgeConfig = {
  packagerConfig: {
    name: 'MTRL Lab',
    executableName: 'mtrl-lab',
    appBundleId: 'org.mtrl-lab.app',
    asar: { unpack: '{**/native/build/Release/*.node,**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm,**/node_modules/@resvg/**}' },
    ignore: [/^\/(test|renderer\/src|native\/src|native\/test|\.ci|scripts|out)(\/|$)/, /^\/native\/build\/(?!Release\/mtrl_native\.node)/],
  },
  rebuildConfig: { onlyModules: [] },
  makers: [
    new MakerSquirrel({ name: 'mtrl_lab' }),
    new MakerZIP({}, ['darwin', 'linux', 'win32']),
    new MakerDMG({ format: 'ULFO' }),
    new MakerDeb({ options: { name: 'mtrl-lab', productName: 'MTRL Lab', categories: ['Science', 'Education'], depends: ['libopenblas0'] } }),
    new MakerRpm({ options: { name: 'mtrl-lab', productName: 'MTRL Lab', requires: ['openblas'] } }),
  ],
  plugins: [
    new AutoUnpackNativesPlugin({}),
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;
